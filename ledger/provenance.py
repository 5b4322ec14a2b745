"""Who did something to the ledger, from where, in which request: the provenance of every write.

An :class:`Actor` travels from the HTTP view, the admin, a management command or the worker into
:mod:`ledger.services`, which copies it onto the row it appends (and into the row's hash).
"""

from __future__ import annotations

import os
import re
import socket
import uuid
from dataclasses import dataclass

from ledger.models import ActorKind

#: Longest accepted ``X-Request-ID`` (the column is 64 characters).
MAX_REQUEST_ID = 64
_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


def host_label() -> str:
    """``hostname:pid`` of this process (provenance of system writes)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def new_request_id() -> str:
    """A fresh request id, ``req_<32 hex>``."""
    return f"req_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Actor:
    """Provenance of one write.

    ``kind`` is an :class:`~ledger.models.ActorKind`; ``user`` the Django user (None for the
    system); ``name`` a readable label kept even if the user is renamed; ``host`` the client
    address (HTTP) or ``hostname:pid`` (system); ``via`` the channel (``api``, ``api-v0.9``,
    ``admin``, ``worker``, ``command``).
    """

    kind: str
    name: str
    via: str
    user: object | None = None
    host: str = ""
    user_agent: str = ""
    request_id: str = ""

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)


def request_id_of(request) -> str:
    """The caller's ``X-Request-ID`` if it is a safe token of ≤ 64 chars, else a fresh id.

    The id is remembered on the request so that every row written by one request shares it.
    """
    existing = getattr(request, "_crt_request_id", None)
    if existing:
        return existing
    header = (request.META.get("HTTP_X_REQUEST_ID") or "").strip()
    value = header if _REQUEST_ID_OK.match(header) else new_request_id()
    request._crt_request_id = value
    return value


def actor_from_request(request, *, via: str) -> Actor:
    """Provenance of an HTTP request: token clients are ``api_client``, sessions ``user``/``admin``."""
    user = request.user
    auth = getattr(request, "auth", None)
    if via == "admin":
        kind = ActorKind.ADMIN
    elif auth is not None and hasattr(auth, "key"):
        kind = ActorKind.API_CLIENT
    else:
        kind = ActorKind.USER
    forwarded = (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")[0].strip()
    return Actor(
        kind=kind,
        name=user.get_username(),
        via=via,
        user=user,
        host=(forwarded or request.META.get("REMOTE_ADDR") or "")[:255],
        user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:255],
        request_id=request_id_of(request),
    )


def system_actor(*, name: str, via: str = "worker", request_id: str = "") -> Actor:
    """Provenance of a write by CRT itself (worker, scheduled job, command) on this host."""
    return Actor(kind=ActorKind.SYSTEM, name=name, via=via, host=host_label(), request_id=request_id[:MAX_REQUEST_ID])


def current_task_id() -> str:
    """The running Celery task's id, or ``""`` outside a worker (detection called in-process)."""
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - celery is a hard dependency
        return ""
    task = current_task
    request = getattr(task, "request", None) if task else None
    return str(getattr(request, "id", "") or "")[:MAX_REQUEST_ID]
