from django.contrib import admin

from detection.models import DetectionJob, DetectionLog


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DetectionJob)
class DetectionJobAdmin(ReadOnlyAdmin):
    """Detection jobs (the outbox): status, attempts and last error."""

    list_display = ["job_id", "owner", "thread_id", "status", "attempts", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["job_id", "memory__memory_id", "thread_id"]


@admin.register(DetectionLog)
class DetectionLogAdmin(ReadOnlyAdmin):
    """Detection telemetry (seed 000's contradiction_detection_log)."""

    list_display = ["job", "owner", "memory", "detection_latency_ms", "end_to_end_ms", "detector_version",
                    "created_at"]
    search_fields = ["job__job_id", "memory__memory_id"]
