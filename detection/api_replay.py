"""Replay evaluation conversations through the real HTTP API and Celery worker (``--db``).

Each conversation goes into a fresh thread of an evaluation user; every turn is posted to
``/api/chat/send``; once all detection jobs are done, a turn counts as flagged when the ledger
holds a contradiction (any type but REFINEMENT) whose newer memory is that turn's memory.
"""

from __future__ import annotations

import time
import uuid
from typing import Sequence

import requests
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from detection.evaluation import Conversation, score_predictions
from detection.models import DetectionJob, JobStatus
from ledger import selectors as ledger_selectors


class ReplayError(RuntimeError):
    """The API answered with an error or the jobs did not finish in time."""


def evaluate_conversations_via_api(conversations: Sequence[Conversation], *, base_url: str,
                                   username: str = "crt-evaluation", timeout_s: float = 300.0) -> dict:
    """Post every turn over HTTP, wait for the worker, read the ledger; same report shape as in-process.

    Raises :class:`ReplayError` on a non-200 answer or when jobs are not done within ``timeout_s``.
    """
    user, _ = get_user_model().objects.get_or_create(username=username)
    token, _ = Token.objects.get_or_create(user=user)
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token.key}"
    run = uuid.uuid4().hex[:8]
    posted = []  # (conversation id, turn index, thread, memory id, job id, expected)
    for conversation in conversations:
        thread = f"eval-{run}-{conversation.id}"[:64]
        for index, (text, expected) in enumerate(conversation.turns):
            response = session.post(f"{base_url.rstrip('/')}/api/chat/send", json={"thread_id": thread, "message": text},
                                    timeout=30)
            if response.status_code != 200:
                raise ReplayError(f"{conversation.id} turn {index}: HTTP {response.status_code} {response.text[:200]}")
            metadata = response.json()["metadata"]
            posted.append((conversation.id, index, thread, metadata["memory_id"], metadata["detection_job_id"], expected))
    job_ids = [row[4] for row in posted]
    deadline = time.monotonic() + timeout_s
    while DetectionJob.objects.filter(job_id__in=job_ids, status=JobStatus.DONE).count() < len(job_ids):
        if time.monotonic() > deadline:
            raise ReplayError("detection jobs did not finish in time; is a worker running?")
        time.sleep(0.2)
    flagged_memories = set()
    for thread in {row[2] for row in posted}:
        flagged_memories.update(e.memory_b_id for e in ledger_selectors.entries(owner=user, thread_id=thread)
                                if e.contradiction_type != "REFINEMENT")
    rows = [{"conversation": cid, "turn": index, "expected": expected, "predicted": memory_id in flagged_memories}
            for cid, index, _thread, memory_id, _job, expected in posted]
    report = score_predictions([r["expected"] for r in rows], [r["predicted"] for r in rows])
    return {"kind": "conversations", "path": "api+worker", "conversations": len(conversations), "n": len(rows),
            **report, "latency": {"p50_ms": None, "p95_ms": None}, "rows": rows}
