"""Reliability fields of detection jobs (issue #5): dead letters, outbox bookkeeping, ordering.

``memory_ts`` is back-filled from the memories' timestamps for existing jobs.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("detection", "0001_initial"),
        ("memory", "0002_memory_fact"),
    ]

    operations = [
        migrations.AlterField(
            model_name="detectionjob",
            name="status",
            field=models.CharField(
                choices=[("pending", "Pending"), ("running", "Running"), ("done", "Done"),
                         ("failed", "Failed (retry scheduled)"), ("dead", "Dead (gave up; requeue to retry)")],
                default="pending", max_length=16),
        ),
        migrations.AddField(
            model_name="detectionjob",
            name="memory_ts",
            field=models.FloatField(blank=True, help_text="the memory's timestamp, Unix seconds", null=True),
        ),
        migrations.AddField(
            model_name="detectionjob",
            name="late_commit",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="detectionjob",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="detectionjob",
            name="publish_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="detectionjob",
            name="claimed_by",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.RunSQL(
            "UPDATE detection_detectionjob AS j SET memory_ts = m.timestamp "
            "FROM memory_memory AS m WHERE j.memory_id = m.memory_id AND j.memory_ts IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="detectionjob",
            index=models.Index(fields=["owner", "thread_id", "memory_ts"], name="detjob_owner_thread_ts"),
        ),
    ]
