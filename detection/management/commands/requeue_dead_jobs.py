"""``manage.py requeue_dead_jobs``: re-run detection jobs that went dead (dead letters).

A job goes dead on bad data or when its retries for transient errors are used up; the admin lists
them (Detection jobs, status = dead). This command gives them a fresh set of attempts and publishes
them to the workers, or runs them here with ``--inline`` (no worker needed).
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand
from tqdm import tqdm

from detection import services
from detection.models import DetectionJob, JobStatus

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Requeue dead detection jobs (dead letters): reset their attempts and publish them again, "
            "or run them in this process with --inline.")

    def add_arguments(self, parser):
        parser.add_argument("job_ids", nargs="*", metavar="JOB_ID", help="only these jobs (default: every dead job)")
        parser.add_argument("--limit", type=int, default=None, help="requeue at most this many (oldest first)")
        parser.add_argument("--inline", action="store_true",
                            help="run the jobs in this process instead of publishing them to the workers")
        parser.add_argument("--dry-run", action="store_true", help="list the jobs that would be requeued")

    def handle(self, *args, **options):
        job_ids = options["job_ids"] or None
        limit = options["limit"]
        if limit is not None and limit < 1:
            self.stderr.write("--limit must be at least 1")
            raise SystemExit(2)
        candidates = services.requeue_dead_jobs(job_ids=job_ids, limit=limit, dry_run=True)
        if job_ids:
            for missing in sorted(set(job_ids) - set(candidates)):
                status = DetectionJob.objects.filter(job_id=missing).values_list("status", flat=True).first()
                self.stderr.write(f"skipping {missing}: " + (f"status is {status}, not dead" if status else "no such job"))
        if options["dry_run"]:
            for job_id in candidates:
                self.stdout.write(job_id)
            self.stdout.write(f"{len(candidates)} dead job(s) would be requeued")
            return
        if not candidates:
            self.stdout.write("no dead jobs")
            return
        with tqdm(total=len(candidates), desc="requeue", unit="job", disable=None) as bar:
            requeued = services.requeue_dead_jobs(job_ids=candidates, inline=options["inline"], progress=bar.update)
        statuses = dict(DetectionJob.objects.filter(job_id__in=requeued).values_list("job_id", "status"))
        how = "ran inline" if options["inline"] else "published"
        logger.info("requeue_dead_jobs: %s %d job(s)", how, len(requeued))
        self.stdout.write(f"requeued {len(requeued)} job(s) ({how})")
        if options["inline"]:
            done = sum(1 for s in statuses.values() if s == JobStatus.DONE)
            self.stdout.write(f"{done} done, {len(requeued) - done} not done (see the admin for their errors)")
