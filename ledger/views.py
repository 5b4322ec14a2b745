"""Thin API views of the ledger: parse, call one selector or service, shape the output.

Access: every view needs an authenticated user (project default). Reads are scoped by
:func:`ledger.selectors.visible_entries` (own entries; everyone's for ``ledger.export_all``);
actions (resolve, undo, asked, respond) are the owner's alone: another user's id is a 404, and a
compliance officer acting on an entry they can read but do not own gets 403.
"""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ledger import export, selectors, services
from ledger.filters import LedgerCursorPagination, LedgerFilter
from ledger.models import ContradictionEntry, EventAction
from ledger.provenance import actor_from_request, request_id_of
from ledger.serializers import (
    AskedSerializer,
    ExportQuerySerializer,
    LedgerEntryDetailSerializer,
    LedgerEntrySerializer,
    LedgerQuerySerializer,
    LedgerResolveSerializer,
    RespondSerializer,
    ResolveSerializer,
    ThreadQuerySerializer,
    UndoSerializer,
    ledger_item,
)

#: Questions asked per slot by ``/api/contradictions/next`` ("{old}"/"{new}" are the values).
SUGGESTED_QUESTIONS = {
    "employer": "You told me you work at {old}, and later at {new}. Which is current?",
    "location": "You told me you live in {old}, and later in {new}. Where do you live now?",
    "age": "You told me you are {old}, and later {new}. Which is right?",
    "name": "You told me your name is {old}, and later {new}. Which should I use?",
    "job_title": "You told me you work as {old}, and later as {new}. Which is current?",
}
DEFAULT_QUESTION = "You told me “{old_text}” and later “{new_text}”. Which one is true now?"


class Conflict(APIException):
    """409: the entry's status does not allow the action (body names the field)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, message: str, field: str):
        super().__init__({"detail": message, "errors": {field: [message]}})


def _service_error(exc: services.LedgerError):
    if isinstance(exc, services.EntryNotFound):
        return NotFound("No such contradiction.")
    return Conflict(str(exc), exc.field)


def _own_entry_or_error(request, ledger_id: str) -> None:
    """404 unless the entry is visible; 403 if visible (compliance) but not the caller's."""
    try:
        entry = selectors.get_visible_entry(user=request.user, ledger_id=ledger_id)
    except ContradictionEntry.DoesNotExist:
        raise NotFound("No such contradiction.") from None
    if entry.owner_id != request.user.pk:
        raise PermissionDenied("Only the owner of a contradiction can act on it.")


def _detail(request, ledger_id: str, *, http_status=status.HTTP_200_OK) -> Response:
    entry = selectors.get_visible_entry(user=request.user, ledger_id=ledger_id)
    data = LedgerEntryDetailSerializer(entry, context={"events": selectors.entry_events(entry=entry)}).data
    response = Response(data, status=http_status)
    response["X-Request-ID"] = request_id_of(request)
    return response


@extend_schema(tags=["ledger"], summary="List contradictions (filters, cursor pagination)")
class ContradictionListView(generics.ListAPIView):
    """Ledger entries visible to the caller, newest first, cursor-paginated (``next``/``previous``)."""

    serializer_class = LedgerEntrySerializer
    pagination_class = LedgerCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = LedgerFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return ContradictionEntry.objects.none()
        return selectors.visible_entries(user=self.request.user)


@extend_schema(tags=["ledger"], summary="One contradiction: both memories, trust, events, provenance")
class ContradictionDetailView(APIView):
    """One entry with its two memories, evidence, provenance and event timeline; 404 if not visible."""

    @extend_schema(responses={200: LedgerEntryDetailSerializer})
    def get(self, request, ledger_id: str):
        try:
            return _detail(request, ledger_id)
        except ContradictionEntry.DoesNotExist:
            raise NotFound("No such contradiction.") from None


@extend_schema(tags=["ledger"], summary="Resolve a contradiction (keep_new, keep_old, keep_both, dismiss)")
class ResolveView(APIView):
    """Settle an open/asked entry; 409 if it is already settled (undo first)."""

    @extend_schema(request=ResolveSerializer, responses={200: LedgerEntryDetailSerializer,
                                                         409: OpenApiResponse(description="already settled")})
    def post(self, request, ledger_id: str):
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _own_entry_or_error(request, ledger_id)
        try:
            services.resolve_entry(owner=request.user, ledger_id=ledger_id, action=body.validated_data["action"],
                                   note=body.validated_data["note"], actor=actor_from_request(request, via="api"))
        except services.LedgerError as exc:
            raise _service_error(exc) from None
        return _detail(request, ledger_id)


@extend_schema(tags=["ledger"], summary="Undo the last resolution (appends an undo event)")
class UndoView(APIView):
    """Revert the entry's last resolution; 409 if it is not settled."""

    @extend_schema(request=UndoSerializer, responses={200: LedgerEntryDetailSerializer,
                                                      409: OpenApiResponse(description="nothing to undo")})
    def post(self, request, ledger_id: str):
        body = UndoSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _own_entry_or_error(request, ledger_id)
        try:
            services.undo_resolution(owner=request.user, ledger_id=ledger_id, note=body.validated_data["note"],
                                     actor=actor_from_request(request, via="api"))
        except services.LedgerError as exc:
            raise _service_error(exc) from None
        return _detail(request, ledger_id)


class _FirstRendererNegotiation(BaseContentNegotiation):
    """Ignore ``?format=``/Accept for content negotiation: the export view reads ``format`` itself."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    tags=["ledger"], summary="Export contradictions (streamed CSV or JSON, with provenance and hashes)",
    parameters=[ExportQuerySerializer], filters=True,
    responses={(200, "text/csv"): OpenApiTypes.STR, (200, "application/json"): OpenApiTypes.OBJECT},
)
class ExportView(generics.GenericAPIView):
    """Everything the list would show for the same filters, all pages, streamed in ``seq`` order.

    ``format=csv`` (default): entries, or with ``records=events`` their resolution events.
    ``format=json``: one document with ``meta`` (hash rules, chain heads), ``entries``, ``events``.
    Check a file offline with ``python docs/verify_export.py FILE``.
    """

    filter_backends = [DjangoFilterBackend]
    filterset_class = LedgerFilter
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _FirstRendererNegotiation
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return ContradictionEntry.objects.none()
        return selectors.visible_entries(user=self.request.user)

    def get(self, request):
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fmt, records = query.validated_data["format"], query.validated_data["records"]
        entries = self.filter_queryset(self.get_queryset())
        return streaming_export(entries, fmt=fmt, records=records, user=request.user,
                                filters={k: v for k, v in request.query_params.lists() if k not in ("format",)},
                                request_id=request_id_of(request))


def streaming_export(entries, *, fmt: str, records: str, user, filters: dict, request_id: str,
                     via: str = "api") -> StreamingHttpResponse:
    """The streamed export response (also used by the admin's export action and button)."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    label = f"by {user.get_username()} via {via}, request {request_id}"
    if fmt == "json":
        meta = {"exported_at": timezone.now().isoformat(), "exported_by": user.get_username(), "via": via,
                "request_id": request_id, "filters": filters,
                "scope": "all users" if selectors.can_see_all(user) else f"owner {user.get_username()}"}
        response = StreamingHttpResponse(export.stream_json(entries, meta=meta, label=label),
                                         content_type="application/json; charset=utf-8")
        filename = f"crt-ledger-{stamp}.json"
    else:
        response = StreamingHttpResponse(export.stream_csv(entries, records=records, label=label),
                                         content_type="text/csv; charset=utf-8")
        filename = f"crt-ledger-{records}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Request-ID"] = request_id
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- v0.9 paths
@extend_schema(tags=["v0.9"], parameters=[LedgerQuerySerializer], summary="v0.9 ledger list (no trailing slash)",
               operation_id="v09_contradictions_list",
               responses=inline_serializer("V09LedgerList", {"contradictions": serializers.ListField()}))
class LegacyListView(APIView):
    """The caller's entries in the v0.9 item shape: ``?thread_id=``, ``?status=``, ``?limit=`` (≤ 500)."""

    def get(self, request):
        query = LedgerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        items = selectors.entries(owner=request.user, thread_id=params.get("thread_id"),
                                  status=params.get("status"))[: params["limit"]]
        return Response({"contradictions": [ledger_item(e) for e in items]})


@extend_schema(tags=["v0.9"], parameters=[ThreadQuerySerializer], summary="v0.9 open contradictions of a thread",
               responses=inline_serializer("V09LedgerOpen", {"thread_id": serializers.CharField(),
                                                             "count": serializers.IntegerField(),
                                                             "contradictions": serializers.ListField()}))
class LedgerOpenView(APIView):
    """Unresolved (open/asked) contradictions of a thread, v0.9 item shape, newest first."""

    def get(self, request):
        query = ThreadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        thread_id = query.validated_data["thread_id"]
        items = [ledger_item(e) for e in selectors.open_entries(owner=request.user, thread_id=thread_id)]
        return Response({"thread_id": thread_id, "count": len(items), "contradictions": items})


def _suggested_question(entry) -> str:
    template = SUGGESTED_QUESTIONS.get(entry.slot)
    if template and entry.old_value and entry.new_value:
        return template.format(old=entry.old_value, new=entry.new_value)
    return DEFAULT_QUESTION.format(old_text=entry.old_text, new_text=entry.new_text)


@extend_schema(tags=["v0.9"], parameters=[ThreadQuerySerializer], summary="v0.9 next contradiction to ask about",
               responses=inline_serializer("V09Next", {"thread_id": serializers.CharField(),
                                                       "has_item": serializers.BooleanField(),
                                                       "item": serializers.DictField(allow_null=True)}))
class NextView(APIView):
    """``{thread_id, has_item, item: {ledger_id, status, contradiction_type, drift_mean, summary,
    ask_count, last_asked_at, next_action, suggested_question}}`` (v0.9 shape)."""

    def get(self, request):
        query = ThreadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        thread_id = query.validated_data["thread_id"]
        entry = selectors.next_entry_to_ask(owner=request.user, thread_id=thread_id)
        if entry is None:
            return Response({"thread_id": thread_id, "has_item": False, "item": None})
        ask_count, last_asked = selectors.ask_stats(ledger_ids=[entry.ledger_id]).get(entry.ledger_id, (0, None))
        item = {"ledger_id": entry.ledger_id, "status": entry.status, "contradiction_type": entry.contradiction_type,
                "severity": entry.severity, "drift_mean": entry.drift_mean, "summary": entry.summary,
                "slot": entry.slot, "old_value": entry.old_value, "new_value": entry.new_value,
                "ask_count": ask_count, "last_asked_at": last_asked, "next_action": "ask_user",
                "suggested_question": _suggested_question(entry)}
        return Response({"thread_id": thread_id, "has_item": True, "item": item})


def _check_thread(request, ledger_id: str, thread_id: str | None) -> None:
    """v0.9 bodies name the thread too: a mismatch is the client's mistake (400 on thread_id)."""
    _own_entry_or_error(request, ledger_id)
    if thread_id is not None:
        actual = selectors.get_visible_entry(user=request.user, ledger_id=ledger_id).thread_id
        if actual != thread_id:
            raise ValidationError({"thread_id": [f"Contradiction {ledger_id} belongs to another thread."]})


@extend_schema(tags=["v0.9"], request=AskedSerializer, summary="v0.9: record that the user was asked",
               responses=inline_serializer("V09Asked", {"ok": serializers.BooleanField(),
                                                        "thread_id": serializers.CharField(),
                                                        "ledger_id": serializers.CharField(),
                                                        "recorded": serializers.BooleanField(),
                                                        "ask_count": serializers.IntegerField()}))
class AskedView(APIView):
    """Appends an ``asked`` event (status → asked). ``{ok, thread_id, ledger_id, recorded, ask_count}``."""

    def post(self, request):
        body = AskedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _check_thread(request, data["ledger_id"], data["thread_id"])
        try:
            services.mark_asked(owner=request.user, ledger_id=data["ledger_id"],
                                actor=actor_from_request(request, via="api-v0.9"))
        except services.LedgerError as exc:
            raise _service_error(exc) from None
        count = selectors.ask_stats(ledger_ids=[data["ledger_id"]]).get(data["ledger_id"], (0, None))[0]
        return Response({"ok": True, "thread_id": data["thread_id"], "ledger_id": data["ledger_id"],
                         "recorded": True, "ask_count": count})


def _action_for(method: str | None, new_status: str | None) -> tuple[str, str]:
    """(action, method kept verbatim) for v0.9's resolution_method/new_status pair."""
    method = (method or "").strip()
    if method in services.USER_RESOLUTION_ACTIONS:
        return method, method
    if new_status == "dismissed":
        return EventAction.DISMISS, method
    return EventAction.RESOLVE, method


@extend_schema(tags=["v0.9"], request=RespondSerializer, summary="v0.9: record the user's answer (and resolve)",
               responses=inline_serializer("V09Respond", {"ok": serializers.BooleanField(),
                                                          "thread_id": serializers.CharField(),
                                                          "ledger_id": serializers.CharField(),
                                                          "recorded": serializers.BooleanField(),
                                                          "status": serializers.CharField()}))
class RespondView(APIView):
    """Appends an ``answered`` event with the answer and, with ``resolve=true``, a resolution."""

    def post(self, request):
        body = RespondSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _check_thread(request, data["ledger_id"], data["thread_id"])
        actor = actor_from_request(request, via="api-v0.9")
        try:
            if data["answer"]:
                services.record_answer(owner=request.user, ledger_id=data["ledger_id"], actor=actor,
                                       answer=data["answer"])
            if data["resolve"]:
                action, method = _action_for(data.get("resolution_method"), data.get("new_status"))
                services.resolve_entry(owner=request.user, ledger_id=data["ledger_id"], action=action, actor=actor,
                                       method=method, user_answer=data["answer"],
                                       merged_memory_id=data.get("merged_memory_id") or "")
        except services.LedgerError as exc:
            raise _service_error(exc) from None
        entry = selectors.get_visible_entry(user=request.user, ledger_id=data["ledger_id"])
        return Response({"ok": True, "thread_id": data["thread_id"], "ledger_id": data["ledger_id"],
                         "recorded": bool(data["answer"] or data["resolve"]), "status": entry.status})


@extend_schema(tags=["v0.9"], request=LedgerResolveSerializer, summary="v0.9: resolve a contradiction",
               responses=inline_serializer("V09Resolve", {"ok": serializers.BooleanField(),
                                                          "ledger_id": serializers.CharField(),
                                                          "status": serializers.CharField(),
                                                          "event_id": serializers.CharField()}))
class LedgerResolveView(APIView):
    """Resolve by ``resolution_method`` or by ``chosen_memory_id`` (the memory kept)."""

    def post(self, request):
        body = LedgerResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _check_thread(request, data["ledger_id"], data.get("thread_id"))
        entry = selectors.get_visible_entry(user=request.user, ledger_id=data["ledger_id"])
        chosen = data.get("chosen_memory_id") or ""
        if chosen and chosen not in (entry.memory_a_id, entry.memory_b_id):
            raise ValidationError({"chosen_memory_id": ["Must be one of the contradiction's two memories."]})
        if data.get("resolution_method"):
            action, method = _action_for(data["resolution_method"], None)
        else:
            action = EventAction.KEEP_NEW if chosen == entry.memory_b_id else EventAction.KEEP_OLD
            method = ""
        try:
            event = services.resolve_entry(owner=request.user, ledger_id=data["ledger_id"], action=action,
                                           method=method, note=data["user_feedback"], chosen_memory_id=chosen,
                                           merged_memory_id=data.get("merged_memory_id") or "",
                                           actor=actor_from_request(request, via="api-v0.9"))
        except services.LedgerError as exc:
            raise _service_error(exc) from None
        return Response({"ok": True, "ledger_id": data["ledger_id"], "status": event.to_status,
                         "event_id": event.event_id})

