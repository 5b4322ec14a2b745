"""Admin of the detection app: the job table (outbox and dead letters) and the detection logs.

Jobs are read-only except for one action, "Requeue selected dead jobs", open to users with the
``detection.change_detectionjob`` permission (superusers included). Dead letters are listed with
the ``status = dead`` filter, newest first, with their last error.
"""

from django.contrib import admin, messages

from detection.models import DetectionJob, DetectionLog, JobStatus


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DetectionJob)
class DetectionJobAdmin(ReadOnlyAdmin):
    """Detection jobs (the outbox): status, attempts, last error; dead letters can be requeued."""

    list_display = ["job_id", "owner", "thread_id", "status", "attempts", "publish_count", "short_error",
                    "claimed_by", "created_at", "finished_at"]
    list_filter = ["status", "late_commit"]
    search_fields = ["job_id", "memory__memory_id", "thread_id", "last_error"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["requeue_dead"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description="last error")
    def short_error(self, obj):
        return (obj.last_error[:120] + "…") if len(obj.last_error) > 120 else obj.last_error

    def has_requeue_permission(self, request):
        return request.user.has_perm("detection.change_detectionjob")

    @admin.action(description="Requeue selected dead jobs", permissions=["requeue"])
    def requeue_dead(self, request, queryset):
        from detection import services  # noqa: PLC0415 - keeps admin autodiscovery light

        dead = list(queryset.filter(status=JobStatus.DEAD).values_list("job_id", flat=True))
        requeued = services.requeue_dead_jobs(job_ids=dead)
        skipped = queryset.count() - len(requeued)
        self.message_user(request, f"Requeued {len(requeued)} dead job(s)."
                          + (f" {skipped} selected job(s) were not dead and were left alone." if skipped else ""),
                          messages.SUCCESS if requeued else messages.WARNING)


@admin.register(DetectionLog)
class DetectionLogAdmin(ReadOnlyAdmin):
    """Detection telemetry (seed 000's contradiction_detection_log)."""

    list_display = ["job", "owner", "memory", "detection_latency_ms", "end_to_end_ms", "detector_version",
                    "created_at"]
    search_fields = ["job__job_id", "memory__memory_id"]
