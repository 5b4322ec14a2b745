"""Project-level views that belong to no single app: liveness, readiness and the metrics.

``/health`` and ``/ready`` need no credentials (load balancers and orchestrators call them);
``/metrics`` neither, unless ``CRT_METRICS_TOKEN`` is set, then it wants
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from crtproject import metrics
from detection import services as detection_services


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request):
    """Liveness probe: ``200 {"status": "ok"}`` while the web process serves requests."""
    return Response({"status": "ok"})


def _timed(check) -> dict:
    started = time.perf_counter()
    result = check()
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # any driver error means "not ready"
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def _check_broker() -> dict:
    depth = detection_services.queue_depth()
    if depth is None:
        return {"ok": False, "error": "broker unreachable"}
    return {"ok": True, "queue_depth": depth}


def _check_workers() -> dict:
    workers = detection_services.responding_workers()
    if workers is None:
        return {"ok": False, "error": "broker unreachable", "responding": []}
    if not workers:
        return {"ok": False, "error": "no worker answered the ping", "responding": []}
    return {"ok": True, "responding": workers}


@require_GET
def ready(request):
    """Readiness probe: the database, the broker and at least one detection worker.

    ``200 {"status": "ready", "checks": {...}}`` when all pass, ``503 {"status": "not_ready",
    "checks": {...}}`` otherwise; each check has ``ok``, ``latency_ms`` and an ``error`` when it
    failed (``broker`` adds ``queue_depth``, ``workers`` the names of the workers that answered a
    broadcast ping within 1 s). Takes at most ~3 s when everything is down.
    """
    checks = {"database": _timed(_check_database), "broker": _timed(_check_broker)}
    checks["workers"] = _timed(_check_workers) if checks["broker"]["ok"] else \
        {"ok": False, "error": "broker unreachable", "responding": [], "latency_ms": 0.0}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ready" if ok else "not_ready", "checks": checks}, status=200 if ok else 503)


@require_GET
def metrics_view(request):
    """Prometheus exposition of every process's series (multiprocess mode) plus live gauges."""
    token = getattr(settings, "CRT_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return JsonResponse({"detail": "Metrics need 'Authorization: Bearer <CRT_METRICS_TOKEN>'.",
                                 "errors": {"authorization": ["missing or wrong bearer token"]}}, status=401)
    body, content_type = metrics.render_latest()
    return HttpResponse(body, content_type=content_type)
