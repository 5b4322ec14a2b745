"""``manage.py verify_ledger``: recompute the ledger's hash chains and name the first broken row."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ledger.verification import row_counts, verify_chains

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Recompute the SHA-256 chains of ledger entries and resolution events, check each entry's "
            "status against its events, and name the first row that breaks them. Exit status 1 on a break.")

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (e.g. in cron)")

    def handle(self, *args, **options):
        total = sum(row_counts().values())
        with tqdm(total=total, desc="verifying ledger", unit="row", disable=options["no_progress"] or None) as bar:
            report = verify_chains(tick=bar.update)
        for table, checked in report.checked.items():
            head = report.heads.get(table) or "-"
            self.stdout.write(f"{table}: {checked} rows checked, head {head}")
        if report.ok:
            logger.info("ledger verified: %s", report.checked)
            self.stdout.write(self.style.SUCCESS("OK: both hash chains and all statuses verify."))
            return
        for found in report.breaks:
            logger.error("ledger verification failed: %s", found.describe())
            self.stderr.write(self.style.ERROR(f"BROKEN: {found.describe()}"))
        raise CommandError(f"ledger verification failed at {report.breaks[0].describe()}")
