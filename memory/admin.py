from django.contrib import admin

from memory.models import Fact, Memory


class FactInline(admin.TabularInline):
    model = Fact
    fields = ["slot", "value", "normalized", "negated", "extractor_version"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Memory)
class MemoryAdmin(admin.ModelAdmin):
    """Memories, read-only: what users said, per thread, with trust and extracted facts."""

    list_display = ["memory_id", "owner", "thread_id", "short_text", "trust", "confidence", "source", "created_at"]
    list_filter = ["source", "is_question"]
    search_fields = ["text", "memory_id", "thread_id"]
    date_hierarchy = "created_at"
    exclude = ["embedding"]
    inlines = [FactInline]

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:80]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "embedding"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
