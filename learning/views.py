"""Thin API views of the learning app: validate, call one service or selector, shape the output.

v0.9 paths: ``POST /api/feedback/thumbs``, ``/api/feedback/correction``, ``/api/feedback/report``,
``GET /api/feedback/stats``; new: ``POST /api/feedback/confirm`` and ``GET /api/learning/ab-report``
(staff only: it aggregates every user's feedback).
"""

from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from learning import selectors, services
from learning.serializers import (
    ConfirmSerializer,
    CorrectionSerializer,
    ReportSerializer,
    StatsQuerySerializer,
    ThumbsSerializer,
)


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _call(service, **kwargs):
    try:
        return service(**kwargs)
    except services.FeedbackError as exc:
        raise ValidationError({exc.field: [exc.message]}) from None


def _applied(applied) -> dict | None:
    if applied is None:
        return None
    return {"memory_id": applied.memory.memory_id, "detection_job_id": applied.job_id, "text": applied.memory.text,
            "facts": applied.facts}


class ThumbsView(APIView):
    """Thumbs up/down on an answer; voting again on the same answer changes the vote."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        data = _validated(ThumbsSerializer, request.data)
        feedback = _call(services.record_thumbs, owner=request.user, rating=data["rating"],
                         memory_id=data["memory_id"], interaction_id=data["interaction_id"], comment=data["comment"])
        return Response({"ok": True, "feedback_id": feedback.feedback_id, "rating": feedback.rating,
                         "memory_id": feedback.memory_id}, status=status.HTTP_201_CREATED)


class CorrectionView(APIView):
    """A correction, stored and applied as a new memory (``source="correction"``)."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        data = _validated(CorrectionSerializer, request.data)
        feedback, applied = _call(services.record_correction, owner=request.user, thread_id=data["thread_id"],
                                  text=data["text"], slot=data.get("slot", ""), value=data["value"],
                                  memory_id=data["memory_id"], interaction_id=data["interaction_id"])
        return Response({"ok": True, "feedback_id": feedback.feedback_id, "thread_id": feedback.thread_id,
                         "applied": _applied(applied)}, status=status.HTTP_201_CREATED)


class ReportView(APIView):
    """A report of incorrect behaviour."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        data = _validated(ReportSerializer, request.data)
        feedback = _call(services.record_report, owner=request.user, category=data["category"],
                         comment=data["comment"], memory_id=data["memory_id"],
                         interaction_id=data["interaction_id"], ledger_id=data["ledger_id"])
        return Response({"ok": True, "feedback_id": feedback.feedback_id, "category": feedback.category},
                        status=status.HTTP_201_CREATED)


class ConfirmView(APIView):
    """The answer to "did I understand this right?" / "is this still true?"."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        data = _validated(ConfirmSerializer, request.data)
        feedback, applied = _call(services.record_confirmation, owner=request.user, memory_id=data["memory_id"],
                                  slot=data["slot"], kind=data["kind"], confirmed=data["confirmed"],
                                  value=data["value"], interaction_id=data["interaction_id"])
        return Response({"ok": True, "feedback_id": feedback.feedback_id, "confirmed": feedback.confirmed,
                         "applied": _applied(applied)}, status=status.HTTP_201_CREATED)


class StatsView(APIView):
    """Feedback counts of the caller (``?scope=all``: everyone's, staff only)."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        scope = _validated(StatsQuerySerializer, request.query_params)["scope"]
        if scope == "all" and not request.user.is_staff:
            raise PermissionDenied("scope=all is for staff.")
        return Response({"scope": scope, **selectors.feedback_stats(owner=None if scope == "all" else request.user)})


class ABReportView(APIView):
    """Outcomes of the learned arm vs the rule-based arm (staff only)."""

    permission_classes = [IsAdminUser]

    def get(self, request):
        return Response(selectors.ab_report())
