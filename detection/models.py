"""Detection jobs (one per new memory; the outbox row the API writes) and their logs.

``DetectionLog`` follows seed 000's ``contradiction_detection_log``.

Job life cycle (docs/PIPELINE.md, docs/RUNBOOK.md)::

    pending --publish--> (queue) --claim--> running --> done
                                              |  transient error (DB/broker), retries left
                                              +--> failed --retry with backoff--> running ...
                                              |  bad data, or retries exhausted
                                              +--> dead   (dead letter; ``requeue_dead_jobs``)

``pending`` jobs are the transactional outbox: a beat task re-publishes those still pending
after ``CRT_OUTBOX_REPUBLISH_AFTER_S`` (30 s), so a broker outage loses nothing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


def new_job_id() -> str:
    """A fresh detection job id, ``detect_job_<32 hex>`` (seed 000's message format)."""
    return f"detect_job_{uuid.uuid4().hex}"


class JobStatus(models.TextChoices):
    """States of a detection job; see the life cycle in the module docstring."""

    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed (retry scheduled)"
    DEAD = "dead", "Dead (gave up; requeue to retry)"


#: Statuses of jobs that still have to run (the outbox sweeper and the metrics look at these).
UNFINISHED_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING, JobStatus.FAILED)


class DetectionJob(models.Model):
    """A request to detect contradictions for one new memory.

    Written in the same transaction as the memory; the Celery message carrying ``job_id`` is
    published only after that transaction commits. Running a job twice is harmless: the log and
    the ledger entries it writes are unique per job / per memory pair.

    ``memory_ts`` copies the memory's timestamp (Unix seconds), the order that defines "earlier"
    in a thread. ``late_commit`` is set when the memory was committed after a *later* memory of
    the same thread had already been processed: its job then re-checks those later memories so
    that no pair is missed (``detection.services.create_detection_job``). ``attempts`` counts
    claims by a worker, ``publish_count`` messages sent for the job (first publish included),
    ``claimed_by`` is ``host:pid`` of the worker process that claimed it last, ``batch_leader`` the
    job whose Celery task claimed it (itself, or another job that took it into its batch:
    ``detection.services.run_detection_batch``).
    """

    job_id = models.CharField(max_length=64, primary_key=True, default=new_job_id)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    memory = models.ForeignKey("memory.Memory", on_delete=models.PROTECT, related_name="detection_jobs")
    thread_id = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    memory_ts = models.FloatField(null=True, blank=True, help_text="the memory's timestamp, Unix seconds")
    late_commit = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    publish_count = models.PositiveIntegerField(default=0)
    claimed_by = models.CharField(max_length=255, blank=True, default="")
    batch_leader = models.CharField(max_length=64, blank=True, default="",
                                    help_text="job id of the task whose batch claimed this job last")

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"], name="detjob_status_created"),
            models.Index(fields=["batch_leader"], name="detjob_batch_leader"),
            models.Index(fields=["owner", "thread_id", "memory_ts"], name="detjob_owner_thread_ts"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} ({self.status})"


class DetectionLog(models.Model):
    """Telemetry of one completed detection job (seed 000: ``contradiction_detection_log``).

    ``potential_conflicts`` lists the memory ids checked; ``contradictions_found`` lists
    ``{ledger_id, old_memory_id, slot, type, confidence, rule}`` dicts;
    ``detection_latency_ms`` is the worker's processing time (embedding + retrieval + decision
    + ledger write; for a job processed in a batch, the batch's time); ``batch_size`` is the number of
    jobs processed in that batch; ``end_to_end_ms`` is memory write → log write, queue wait included.
    """

    job = models.OneToOneField(DetectionJob, on_delete=models.PROTECT, to_field="job_id",
                               db_column="job_id", related_name="log")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    memory = models.ForeignKey("memory.Memory", on_delete=models.PROTECT, related_name="detection_logs")
    potential_conflicts = models.JSONField(default=list)
    contradictions_found = models.JSONField(default=list)
    detection_latency_ms = models.PositiveIntegerField()
    end_to_end_ms = models.PositiveIntegerField(null=True, blank=True)
    false_positive_score = models.FloatField(null=True, blank=True)
    detector_version = models.CharField(max_length=32, default="")
    worker = models.CharField(max_length=255, blank=True, default="")
    batch_size = models.PositiveSmallIntegerField(default=1, help_text="jobs processed together with this one")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["-created_at"], name="detlog_created_desc")]

    def __str__(self) -> str:
        return f"log {self.job_id}: {len(self.contradictions_found)} found in {self.detection_latency_ms} ms"
