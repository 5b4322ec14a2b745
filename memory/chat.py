"""The chat turn behind ``POST /api/chat/send``: store, schedule detection, answer.

The request never runs detection: it stores the message (memory + facts + pending detection
job) in one transaction, the job is published after commit, and the answer is built from what
is known at that moment. ``wait_ms`` lets a v0.9 client wait (bounded) for its own job.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from detection import services as detection_services
from detection.engine import MULTI_VALUED_SLOTS, question_slots
from detection.models import JobStatus
from ledger import selectors as ledger_selectors
from learning import serving as learning_hooks
from memory import selectors, services
from memory.models import Memory

#: How each slot is phrased in an answer ("{}" is the value).
SLOT_ANSWERS = {
    "name": "Your name is {}.",
    "age": "You are {}.",
    "employer": "You work at {}.",
    "job_title": "You work as {}.",
    "location": "You live in {}.",
    "spouse": "Your partner is {}.",
    "pet": "Your pets: {}.",
    "language": "You speak {}.",
    "preference": "You like {}.",
}


@dataclass
class ChatResult:
    """What a chat turn produced; ``as_v09_response`` gives the v0.9 JSON shape."""

    memory: Memory
    job_id: str
    detection_status: str
    answer: str
    response_type: str
    gate_reason: str
    session_id: str
    mode: str | None
    contradictions: list[dict] = field(default_factory=list)
    retrieved: list[Memory] = field(default_factory=list)
    unresolved_total: int = 0
    unresolved_hard: int = 0
    reintroduced_ids: set[str] = field(default_factory=set)
    learning: Any = None  # learning.serving.Turn: A/B arm, model predictions, questions back (issue #7)

    def as_v09_response(self) -> dict:
        """The v0.9 ``/api/chat/send`` response body plus ``metadata.detection_*`` keys."""
        retrieved = [
            {
                "memory_id": m.memory_id, "text": m.text, "trust": m.trust, "confidence": m.confidence,
                "timestamp": m.timestamp, "source": m.source, "thread_id": m.thread_id,
                "reintroduced_claim": m.memory_id in self.reintroduced_ids,
            }
            for m in self.retrieved
        ]
        return {
            "answer": self.answer,
            "response_type": self.response_type,
            "gates_passed": self.response_type == "belief",
            "gate_reason": self.gate_reason,
            "session_id": self.session_id,
            "metadata": {
                "mode": self.mode,
                "confidence": max((m.confidence for m in self.retrieved), default=None),
                "memory_id": self.memory.memory_id,
                "thread_id": self.memory.thread_id,
                "detection_job_id": self.job_id,
                "detection_status": self.detection_status,
                "contradiction_detected": bool(self.contradictions),
                "contradictions": self.contradictions,
                "unresolved_contradictions_total": self.unresolved_total,
                "unresolved_hard_conflicts": self.unresolved_hard,
                "retrieved_memories": retrieved,
                "prompt_memories": [m["memory_id"] for m in retrieved],
                "reintroduced_claims_count": sum(1 for m in retrieved if m["reintroduced_claim"]),
                "learned_suggestions": self.learning.learned_suggestions if self.learning else [],
                "heuristic_suggestions": self.learning.heuristic_suggestions if self.learning else [],
                **(self.learning.metadata() if self.learning else {}),
            },
        }


def _current_values(facts) -> dict[str, list]:
    """Walk facts oldest first: affirmed sets (or adds, multi-valued), negated clears a match."""
    current: dict[str, list] = {}
    for fact in facts:
        values = current.setdefault(fact.slot, [])
        if fact.negated:
            values[:] = [f for f in values if f.normalized != fact.normalized]
        elif fact.slot in MULTI_VALUED_SLOTS:
            values[:] = [f for f in values if f.normalized != fact.normalized] + [fact]
        else:
            values[:] = [fact]
    return current


def _answer_question(result: ChatResult, *, owner, text: str, turn=None) -> None:
    memory = result.memory
    slots = turn.question_slots(text) if turn else question_slots(text)
    if slots:
        thread_facts = selectors.thread_facts(owner=owner, thread_id=memory.thread_id, slots=slots,
                                              before=memory.timestamp)
        current = _current_values(thread_facts)
        sentences, used = [], []
        for slot in slots:
            facts = current.get(slot) or []
            if facts:
                sentences.append(SLOT_ANSWERS.get(slot, slot + ": {}.").format(", ".join(f.value for f in facts)))
                used.extend(f.memory for f in facts)
        if turn:  # learning hooks (issue #7): relevant facts of the user's other threads, "still true?"
            turn.note_injected([f for slot in slots for f in current.get(slot) or []])
            for slot, facts in turn.cross_thread_facts(slots=[s for s in slots if not current.get(s)], question=text,
                                                       current_values=_current_values):
                sentences.append("From another conversation: " + SLOT_ANSWERS.get(slot, slot + ": {}.").format(
                    ", ".join(f.value for f in facts)))
                used.extend(f.memory for f in facts)
            staleness_question = turn.staleness_prompt(facts=thread_facts, current=current, slots=slots)
            if sentences and staleness_question:
                sentences.append(staleness_question)
        if sentences:
            for entry in ledger_selectors.unresolved_for_slots(owner=owner, thread_id=memory.thread_id, slots=slots):
                sentences.append(f"Note: you also told me {entry.old_value or entry.memory_a.text!r} earlier "
                                 f"({entry.summary}); that contradiction is still open.")
                used.append(entry.memory_a)
            result.answer, result.response_type = " ".join(sentences), "belief"
            result.gate_reason = "answered from stored facts"
            result.retrieved = list({m.memory_id: m for m in used}.values())
            return
    matches = selectors.search_thread(owner=owner, thread_id=memory.thread_id, query=text)
    if matches:
        quoted = "; ".join(f"“{m.text}”" for m in matches)
        result.answer = f"I have no stored fact that answers this directly. Related things you told me: {quoted}"
        result.gate_reason, result.retrieved = "related memories only", matches
    else:
        result.answer = "I don't have anything stored about that yet."
        result.gate_reason = "no relevant memory"
    result.response_type = "speech"


def _answer_statement(result: ChatResult) -> None:
    if result.contradictions:
        summaries = "; ".join(c["summary"] for c in result.contradictions)
        result.answer = (f"Noted. This contradicts what you told me before ({summaries}); "
                         "I have recorded it in the contradiction ledger.")
        result.gate_reason = "contradiction recorded"
    else:
        result.answer = "Noted."
        result.gate_reason = "statement stored" if result.detection_status == JobStatus.DONE else \
            "statement stored; contradiction check pending"
    result.response_type = "speech"


def handle_chat_message(
    *,
    owner,
    thread_id: str,
    message: str,
    user_marked_important: bool = False,
    mode: str | None = None,
    session_id: str | None = None,
    wait_ms: int = 0,
) -> ChatResult:
    """Store one user message, schedule its detection job, and build the answer.

    ``wait_ms`` (0–5000, validated by the caller) waits for this message's own detection job.
    Raises ``django.db.DatabaseError`` if storage fails (nothing is kept then).
    The learning track (``learning.serving``) records the turn after commit, off the request.
    """
    turn = learning_hooks.start_turn(owner=owner, thread_id=thread_id, message=message)
    try:
        result = _handle(owner=owner, thread_id=thread_id, message=message, user_marked_important=user_marked_important,
                         mode=mode, session_id=session_id, wait_ms=wait_ms, turn=turn)
    except Exception as exc:
        turn.fail(exc)
        raise
    turn.finish(result)
    return result


def _handle(*, owner, thread_id: str, message: str, user_marked_important: bool, mode: str | None,
            session_id: str | None, wait_ms: int, turn) -> ChatResult:
    with transaction.atomic():
        memory = services.store_memory(owner=owner, thread_id=thread_id, text=message,
                                       session_id=session_id or "", user_marked_important=user_marked_important)
        job = detection_services.create_detection_job(memory=memory)
    status = job.status
    contradictions: list[dict] = []
    if wait_ms > 0:
        job = detection_services.wait_for_job(job_id=job.job_id, timeout_ms=wait_ms)
        status = job.status
        if status == JobStatus.DONE:
            contradictions = [
                {"ledger_id": e.ledger_id, "contradiction_type": e.contradiction_type, "severity": e.severity,
                 "slot": e.slot,
                 "old_value": e.old_value, "new_value": e.new_value, "old_memory_id": e.memory_a_id,
                 "summary": e.summary, "confidence": e.confidence}
                for e in ledger_selectors.entries_for_job(job_id=job.job_id)
                if e.contradiction_type != "REFINEMENT"  # recorded non-conflicts are not disclosed
            ]
    result = ChatResult(memory=memory, job_id=job.job_id, detection_status=status, answer="",
                        response_type="speech", gate_reason="", session_id=session_id or f"sess_{uuid.uuid4().hex[:16]}",
                        mode=mode, contradictions=contradictions)
    result.learning = turn
    if memory.is_question:
        _answer_question(result, owner=owner, text=message, turn=turn)
    else:
        _answer_statement(result)
        confirmation = turn.confirm_extractions(text=message, memory_id=memory.memory_id)
        if confirmation:
            result.answer = f"{result.answer} {confirmation}"
    result.unresolved_total, result.unresolved_hard = ledger_selectors.unresolved_counts(owner=owner, thread_id=thread_id)
    result.reintroduced_ids = ledger_selectors.unresolved_memory_ids(owner=owner, thread_id=thread_id) \
        if result.retrieved else set()
    return result
