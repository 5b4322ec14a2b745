"""The admin as the enterprise ledger dashboard (seed 001 phase 3).

Read-only everywhere: no add, change or delete (the database refuses them anyway). Staff see
their own entries; holders of ``ledger.export_all`` (the "Compliance" group) see everyone's and
may export — the selection (admin action) or the current filter (buttons on the list) — as
streamed CSV or JSON. Extra pages: the entry detail (both memories side by side, event timeline,
provenance, hashes) and the timeline chart (contradictions per day by type).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ledger import selectors
from ledger.chain import canonical_json
from ledger.models import ContradictionEntry, ContradictionType, ResolutionEvent
from ledger.provenance import request_id_of
from ledger.timeline import MAX_DAYS, build_chart
from ledger.views import streaming_export

#: Default period of the timeline page, in days.
DEFAULT_TIMELINE_DAYS = 30


class CappedCountPaginator(Paginator):
    """Counts at most ``CAP`` + 1 rows: an exact ``COUNT(*)`` over a million entries with a filter
    took up to 1.4 s (bench/ledger.py). Beyond the cap the list says "more than 10,000"; filter,
    search or export to see the rest. Baseline choice for the cap (200 pages of 50)."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.CAP + 1].count()


class LedgerChangeList(ChangeList):
    """The list reads only what its columns show: the entry's own short fields and its owner.

    ``visible_entries`` also joins both memories (the detail page needs them; each carries a
    384-d embedding) and the entry has long columns (both statements, evidence, the full-text
    document): none of them is shown in the list, so none is read for its 50 rows.
    """

    LIST_FIELDS = ("ledger_id", "created_at", "owner__username", "thread_id", "slot", "old_value", "new_value",
                   "contradiction_type", "severity", "status", "confidence", "summary")

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.select_related(None).select_related("owner").only(*self.LIST_FIELDS)


class SlotFilter(admin.SimpleListFilter):
    """Slots the detector knows (a fixed list: ``SELECT DISTINCT slot`` over 1M rows took 0.5 s)."""

    title = "slot"
    parameter_name = "slot"

    def lookups(self, request, model_admin):
        from detection.engine import MULTI_VALUED_SLOTS, SINGLE_VALUED_SLOTS

        return [(slot, slot) for slot in sorted({*SINGLE_VALUED_SLOTS, *MULTI_VALUED_SLOTS, "statement"})]

    def queryset(self, request, queryset):
        return queryset.filter(slot=self.value()) if self.value() else queryset


class ReadOnlyMixin:
    """No add/change/delete anywhere; viewing needs the model's view permission."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _export_action(fmt: str):
    def action(modeladmin, request, queryset):
        return streaming_export(queryset, fmt=fmt, records="entries", user=request.user, via="admin",
                                filters={"selected": "admin selection"}, request_id=request_id_of(request))

    action.__name__ = f"export_selected_{fmt}"
    return admin.action(description=f"Export selected contradictions as {fmt.upper()}", permissions=["export"])(action)


@admin.register(ContradictionEntry)
class ContradictionEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The ledger list, the detail page, the export and the timeline page."""

    list_display = ["when", "who", "slot", "change", "kind", "severity", "status", "confidence"]
    list_filter = ["status", "contradiction_type", "severity", SlotFilter]
    search_fields = ["old_value"]  # shows the search box; the search itself is full-text (below)
    search_help_text = "Words in the values, either statement, the summary or the thread (e.g. amazon seattle)."
    date_hierarchy = "created_at"
    list_select_related = ["owner"]
    list_per_page = 50
    paginator = CappedCountPaginator
    show_full_result_count = False
    # Facet counts ("Show counts") are one COUNT per filter choice over the whole ledger: seconds
    # at 1M entries. The timeline page gives the totals per type and day instead.
    show_facets = admin.ShowFacets.NEVER
    ordering = ["-created_at"]
    actions = [_export_action("csv"), _export_action("json")]
    # Extends admin/ledger/contradictionentry/change_list.html with a fast date drill-down.
    change_list_template = "admin/ledger/contradictionentry/ledger_change_list.html"
    change_form_template = "admin/ledger/contradictionentry/detail.html"

    @admin.display(description="detected (UTC)", ordering="created_at")
    def when(self, obj):
        return obj.created_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="user / thread", ordering="owner__username")
    def who(self, obj):
        return format_html("{} <span style='color:#888'>/</span> {}", obj.owner.username, obj.thread_id)

    @admin.display(description="type", ordering="contradiction_type")
    def kind(self, obj):
        return obj.get_contradiction_type_display()

    @admin.display(description="old → new")
    def change(self, obj):
        return format_html("{} <span style='color:#888'>→</span> <strong>{}</strong>", obj.old_value or "—",
                           obj.new_value or "—")

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        """The row's selection checkbox, the same markup as Django's, without rendering a form widget
        through the template engine for each row (a third of the list's Python time, cProfile)."""
        return format_html('<input type="checkbox" name="{}" value="{}" class="action-select" '
                           'aria-label="Select this object for an action - {}">', ACTION_CHECKBOX_NAME, obj.pk, str(obj))

    def has_export_permission(self, request):
        return selectors.can_see_all(request.user)

    def get_changelist(self, request, **kwargs):
        return LedgerChangeList

    def get_queryset(self, request):
        return selectors.visible_entries(user=request.user).order_by("-created_at")

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        query = SearchQuery(search_term, search_type="websearch", config="simple")
        return queryset.filter(search_document=query), False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "search_document"]

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        extra = [
            path("timeline/", self.admin_site.admin_view(self.timeline_view), name="%s_%s_timeline" % info),
            path("export/<str:fmt>/", self.admin_site.admin_view(self.export_view), name="%s_%s_export" % info),
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_export": self.has_export_permission(request)}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, unquote(object_id))
        if entry is not None:
            extra_context = {
                **(extra_context or {}),
                "entry": entry,
                "events": selectors.entry_events(entry=entry),
                "evidence_json": canonical_json(entry.evidence),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # ------------------------------------------------------------------ export of the current filter
    def export_view(self, request, fmt: str):
        """Stream the changelist's current filter (its query string) as CSV or JSON."""
        if not self.has_view_permission(request) or not self.has_export_permission(request):
            raise PermissionDenied
        if fmt not in ("csv", "json"):
            messages.error(request, f"Unknown export format {fmt!r}: use csv or json.")
            from django.shortcuts import redirect

            return redirect(reverse("admin:ledger_contradictionentry_changelist"))
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)
        filters = {key: request.GET.getlist(key) for key in request.GET}
        return streaming_export(queryset, fmt=fmt, records="entries", user=request.user, via="admin",
                                filters=filters, request_id=request_id_of(request))

    # ------------------------------------------------------------------ timeline page
    def timeline_view(self, request):
        """Contradictions per day by type for ``?start=YYYY-MM-DD&end=YYYY-MM-DD`` (default: last 30 days)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.now().astimezone(dt.timezone.utc).date()
        errors = []
        start, end = today - dt.timedelta(days=DEFAULT_TIMELINE_DAYS - 1), today
        try:
            if request.GET.get("end"):
                end = dt.date.fromisoformat(request.GET["end"])
            if request.GET.get("start"):
                start = dt.date.fromisoformat(request.GET["start"])
            elif request.GET.get("end"):
                start = end - dt.timedelta(days=DEFAULT_TIMELINE_DAYS - 1)
        except ValueError:
            errors.append("Dates must look like 2026-11-21.")
            start, end = today - dt.timedelta(days=DEFAULT_TIMELINE_DAYS - 1), today
        if end < start:
            errors.append("The period ends before it starts; showing the last 30 days.")
            start, end = today - dt.timedelta(days=DEFAULT_TIMELINE_DAYS - 1), today
        if (end - start).days + 1 > MAX_DAYS:
            errors.append(f"Periods are at most {MAX_DAYS} days; showing the last {MAX_DAYS} days up to the end date.")
            start = end - dt.timedelta(days=MAX_DAYS - 1)
        types = list(ContradictionType.values)
        counts = selectors.daily_type_counts(user=request.user, start=start, end=end)
        chart = build_chart(counts, start=start, end=end, types=types)
        presets = [(days, (today - dt.timedelta(days=days - 1)).isoformat(), today.isoformat())
                   for days in (7, 30, 90, 365)]
        context = {
            **self.admin_site.each_context(request),
            "title": "Contradictions per day",
            "opts": self.model._meta,
            "chart": chart,
            "start": start,
            "end": end,
            "errors": errors,
            "presets": presets,
            "type_rows": [(kind, dict(ContradictionType.choices)[kind], chart.totals.get(kind, 0), colour)
                          for kind, colour in chart.legend],
            "scope": "all users" if selectors.can_see_all(request.user) else "your own entries",
        }
        return TemplateResponse(request, "admin/ledger/timeline.html", context)


@admin.register(ResolutionEvent)
class ResolutionEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Every status change of every entry, with who, how and the hash chain, read-only."""

    list_display = ["seq", "created_at", "entry_link", "action", "transition", "actor_name", "actor_kind", "via",
                    "request_id"]
    list_filter = ["action", "actor_kind", "via"]
    search_fields = ["event_id", "entry__ledger_id", "actor_name", "request_id", "note"]
    date_hierarchy = "created_at"
    list_select_related = ["entry"]
    show_full_result_count = False
    ordering = ["-seq"]

    @admin.display(description="contradiction")
    def entry_link(self, obj):
        url = reverse("admin:ledger_contradictionentry_change", args=[obj.entry_id])
        return format_html('<a href="{}">{}</a>', url, obj.entry_id)

    @admin.display(description="status")
    def transition(self, obj):
        return f"{obj.from_status} → {obj.to_status}"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if selectors.can_see_all(request.user) else qs.filter(owner=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
