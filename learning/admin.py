"""Admin of the learning track: the model registry (versions, metrics, activate / roll back,
retire), the interaction log, feedback, policy decisions and the synthetic set — all read-only
except the registry actions. The periodic retraining task is under "Periodic tasks"
(django-celery-beat) and editable there.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.utils.html import format_html

from learning import registry
from learning.models import Feedback, Interaction, ModelStatus, ModelVersion, PolicyDecision, SyntheticExample


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add/change/delete (the rows are logs or derived data)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _pretty(value) -> str:
    return format_html("<pre style='white-space:pre-wrap'>{}</pre>", json.dumps(value, indent=2, default=str))


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    """Versions per model with held-out metric vs baseline vs the then-active version; actions
    "activate (roll back to) this version" and "retire"."""

    list_display = ["name", "version", "status_badge", "metric_name", "metric_display", "baseline_display",
                    "champion_display", "training_rows", "training_real_rows", "size_kib", "created_at",
                    "activated_at"]
    list_filter = ["name", "status"]
    ordering = ["name", "-version"]
    actions = ["activate_selected", "retire_selected"]
    exclude = ["artifact", "metrics"]
    readonly_fields = ["name", "version", "status", "created_at", "activated_at", "retired_at", "feature_version",
                       "metric_name", "metric", "baseline_metric", "champion_metric", "metrics_pretty",
                       "training_rows", "training_real_rows", "heldout_rows", "training_seconds", "trained_by",
                       "decision", "artifact_sha256", "artifact_bytes"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("artifact")

    def has_change_permission(self, request, obj=None):
        # the change *page* is read-only (readonly_fields); the permission enables the actions
        return request.user.has_perm("learning.change_modelversion")

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        colour = {"active": "#1a7f37", "candidate": "#9a6700", "retired": "#6e7781"}.get(obj.status, "#000")
        return format_html("<b style='color:{}'>{}</b>", colour, obj.status)

    @admin.display(description="held-out", ordering="metric")
    def metric_display(self, obj):
        return f"{obj.metric:.4f}"

    @admin.display(description="baseline")
    def baseline_display(self, obj):
        return "—" if obj.baseline_metric is None else f"{obj.baseline_metric:.4f}"

    @admin.display(description="active then")
    def champion_display(self, obj):
        return "—" if obj.champion_metric is None else f"{obj.champion_metric:.4f}"

    @admin.display(description="KiB", ordering="artifact_bytes")
    def size_kib(self, obj):
        return f"{obj.artifact_bytes / 1024:.0f}"

    @admin.display(description="metrics")
    def metrics_pretty(self, obj):
        return _pretty(obj.metrics)

    @admin.action(description="Activate (roll back to) the selected version", permissions=["change"])
    def activate_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.ERROR)
            return
        version = queryset.get()
        try:
            registry.activate(version_id=version.pk, reason=f"activated in the admin by {request.user.get_username()}")
        except registry.RegistryError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"{version.name} v{version.version} is active; processes pick it up within "
                                   "the reload TTL.", messages.SUCCESS)

    @admin.action(description="Retire the selected versions (the rules serve until another is active)",
                  permissions=["change"])
    def retire_selected(self, request, queryset):
        count = 0
        for version in queryset.exclude(status=ModelStatus.RETIRED):
            registry.retire(version_id=version.pk)
            count += 1
        self.message_user(request, f"Retired {count} version(s).", messages.SUCCESS)


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    """The interaction log (anonymized)."""

    list_display = ["created_at", "owner", "thread_id", "ab_arm", "is_question", "short_query", "slot_source",
                    "latency_ms", "contradiction_detected", "sample_reason"]
    list_filter = ["ab_arm", "is_question", "sample_reason", "contradiction_detected"]
    search_fields = ["request_id", "query", "thread_id"]
    date_hierarchy = "created_at"

    @admin.display(description="query")
    def short_query(self, obj):
        return obj.query[:80]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    """Thumbs, corrections, reports and confirmations."""

    list_display = ["created_at", "owner", "kind", "ab_arm", "rating", "category", "slot", "confirmed", "memory_id"]
    list_filter = ["kind", "ab_arm", "category", "confirmed"]
    search_fields = ["feedback_id", "memory_id", "interaction_request_id", "comment"]


@admin.register(PolicyDecision)
class PolicyDecisionAdmin(ReadOnlyAdmin):
    """What the resolution policy decided per ledger entry, and whether it was applied."""

    list_display = ["created_at", "owner", "ledger_id", "action", "source", "model_version", "applied"]
    list_filter = ["action", "source", "applied"]
    search_fields = ["ledger_id"]


@admin.register(SyntheticExample)
class SyntheticExampleAdmin(ReadOnlyAdmin):
    """The cold-start set from ``manage.py bootstrap_learning_data``."""

    list_display = ["pk", "model_name", "batch", "generator_version", "created_at"]
    list_filter = ["model_name", "batch"]
