from django.contrib import admin

from ledger.models import ContradictionEntry


@admin.register(ContradictionEntry)
class ContradictionEntryAdmin(admin.ModelAdmin):
    """The ledger, read-only: every detected contradiction with old → new values."""

    list_display = ["timestamp_display", "owner", "thread_id", "slot", "old_value", "new_value",
                    "contradiction_type", "severity", "status", "confidence"]
    list_filter = ["status", "contradiction_type", "severity", "slot"]
    search_fields = ["old_value", "new_value", "summary", "memory_a__text", "memory_b__text", "thread_id"]
    date_hierarchy = "created_at"

    @admin.display(description="detected", ordering="timestamp")
    def timestamp_display(self, obj):
        return obj.created_at

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
