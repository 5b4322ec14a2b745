"""Append-only ledger, step 1: provenance columns, chain columns (filled by 0004), events table."""

import time

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import ledger.models


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0002_severity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="contradictionentry",
            options={
                "ordering": ["-seq"],
                "permissions": [("export_all", "Can list and export ledger entries of all users")],
                "verbose_name": "contradiction",
                "verbose_name_plural": "contradictions",
            },
        ),
        # Status lives in events now; a row never changes after insert, so updated_at goes.
        migrations.RemoveField(model_name="contradictionentry", name="updated_at"),
        migrations.AlterField(
            model_name="contradictionentry",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="contradictionentry",
            name="evidence",
            field=ledger.models.CanonicalJSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="contradictionentry",
            name="seq",
            field=models.BigIntegerField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="contradictionentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="contradictionentry",
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="contradictionentry",
            name="old_text",
            field=models.TextField(blank=True, default="", help_text="the older statement, as detected"),
        ),
        migrations.AddField(
            model_name="contradictionentry",
            name="new_text",
            field=models.TextField(blank=True, default="", help_text="the newer statement, as detected"),
        ),
        migrations.AddField(
            model_name="contradictionentry",
            name="detector_version",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="contradictionentry",
            name="recorded_by",
            field=models.CharField(default="detection-worker", max_length=64),
        ),
        migrations.AddField(
            model_name="contradictionentry",
            name="recorded_host",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.AddField(
            model_name="contradictionentry",
            name="request_id",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AlterField(
            model_name="contradictionentry",
            name="status",
            field=models.CharField(
                choices=[("open", "Open"), ("asked", "Asked"), ("resolved", "Resolved"), ("dismissed", "Dismissed"),
                         ("auto_resolved", "Auto-resolved")],
                default="open", help_text="denormalized: the latest resolution event's to_status", max_length=16),
        ),
        migrations.CreateModel(
            name="ResolutionEvent",
            fields=[
                ("event_id", models.CharField(default=ledger.models.new_event_id, max_length=64, primary_key=True,
                                              serialize=False)),
                ("seq", models.BigIntegerField(editable=False, help_text="position in the event hash chain",
                                               unique=True)),
                ("thread_id", models.CharField(max_length=64)),
                ("action", models.CharField(choices=[
                    ("asked", "Asked the user"), ("answered", "User answered"),
                    ("keep_new", "Kept the new statement"), ("keep_old", "Kept the old statement"),
                    ("keep_both", "Kept both statements"), ("dismiss", "Dismissed (not a contradiction)"),
                    ("resolve", "Resolved (v0.9 method)"), ("auto_resolve", "Auto-resolved"),
                    ("undo", "Undid the last resolution")], max_length=16)),
                ("from_status", models.CharField(choices=[
                    ("open", "Open"), ("asked", "Asked"), ("resolved", "Resolved"), ("dismissed", "Dismissed"),
                    ("auto_resolved", "Auto-resolved")], max_length=16)),
                ("to_status", models.CharField(choices=[
                    ("open", "Open"), ("asked", "Asked"), ("resolved", "Resolved"), ("dismissed", "Dismissed"),
                    ("auto_resolved", "Auto-resolved")], max_length=16)),
                ("method", models.CharField(blank=True, default="", help_text="v0.9 resolution_method, verbatim",
                                            max_length=64)),
                ("note", models.TextField(blank=True, default="")),
                ("user_answer", models.TextField(blank=True, default="")),
                ("chosen_memory_id", models.CharField(blank=True, default="", max_length=64)),
                ("merged_memory_id", models.CharField(blank=True, default="", max_length=64)),
                ("trust_changes", ledger.models.CanonicalJSONField(blank=True, default=dict)),
                ("actor_kind", models.CharField(choices=[
                    ("user", "User (session)"), ("api_client", "API client (token)"), ("admin", "Admin user"),
                    ("system", "System / worker")], max_length=16)),
                ("actor_name", models.CharField(max_length=150)),
                ("host", models.CharField(blank=True, default="", max_length=255)),
                ("user_agent", models.CharField(blank=True, default="", max_length=255)),
                ("request_id", models.CharField(blank=True, default="", max_length=64)),
                ("via", models.CharField(max_length=16)),
                ("timestamp", models.FloatField(default=time.time, help_text="Unix seconds")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("prev_hash", models.CharField(editable=False, max_length=64)),
                ("row_hash", models.CharField(editable=False, max_length=64)),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to=settings.AUTH_USER_MODEL)),
                ("entry", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="events",
                                            to="ledger.contradictionentry")),
                ("owner", models.ForeignKey(help_text="owner of the entry",
                                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to=settings.AUTH_USER_MODEL)),
                ("undoes", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                             related_name="undone_by", to="ledger.resolutionevent")),
            ],
            options={
                "ordering": ["seq"],
                "indexes": [models.Index(fields=["entry", "seq"], name="ledger_event_entry_seq")],
                "constraints": [models.CheckConstraint(condition=models.Q(("seq__gte", 1)),
                                                       name="ledger_event_seq_positive")],
            },
        ),
    ]
