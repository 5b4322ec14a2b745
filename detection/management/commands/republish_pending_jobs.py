"""``manage.py republish_pending_jobs``: run the outbox sweep once, now.

The same sweep celery beat runs every ``CRT_OUTBOX_SWEEP_S`` seconds
(:func:`detection.services.republish_stale_jobs`): publishes jobs that were never published, whose
message got lost, or whose worker died. Use it when beat is not running, e.g. after a broker
outage in a deployment without beat.
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError

from detection import services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Publish again the detection jobs still pending after CRT_OUTBOX_REPUBLISH_AFTER_S, lost, or "
            "stuck running (the outbox sweep that celery beat runs periodically).")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="at most this many jobs per reason (default 500)")

    def handle(self, *args, **options):
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        if services.detection_mode() == "off":
            self.stdout.write("CRT_DETECTION_MODE=off: nothing is published")
            return
        counts = services.republish_stale_jobs(limit=options["limit"])
        logger.info("republish_pending_jobs: %s", counts)
        self.stdout.write(", ".join(f"{reason}: {n}" for reason, n in counts.items()))
        if services.queue_depth() is None:
            raise CommandError("the broker is unreachable; pending jobs stay pending")
