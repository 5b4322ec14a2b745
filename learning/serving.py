"""The learning track inside one chat turn (``memory/chat.py`` calls these hooks).

A :class:`Turn` is created at the start of ``handle_chat_message`` and carries, for that request:
the user's A/B arm (``learning.ab``), every prediction with the model version that made it (or
``"rules"``), and the questions the answer asks back. Its hooks:

* :meth:`Turn.question_slots` — which slots a question needs: the learned slot classifier for the
  learned arm when a version is active and the embedding model is loaded in this process (it is
  loaded in a background thread on first need, never inside a request); else the rule-based
  ``question_slots`` (the baseline, and the fallback).
* :meth:`Turn.cross_thread_facts` — for asked slots the thread has no fact for: the user's facts
  from other threads whose relevance to this thread is > 0.5 (phase 5).
* :meth:`Turn.staleness_prompt` — "Is it still true that …?" when P(stale) > 0.8 (phase 6).
* :meth:`Turn.confirm_extractions` — for a statement: confidence of each extracted fact; below
  0.7 the answer asks the user to confirm it (phase 3).
* :meth:`Turn.finish` — resolution suggestions for open contradictions (phase 4), response
  metadata, then the interaction record: anonymized, sampled, and handed to the background
  publisher after the transaction commits (phase 1).

The rules arm and every fallback use the pure-Python baselines of :mod:`learning.ml.rules`; a
model module (scikit-learn, numpy) is imported only when a learned version is loaded and predicts.

Every hook is fail-safe: an exception inside the learning code is logged and the turn continues
with the rule-based behaviour; the request is never failed or slowed by the learning track
beyond the predictions themselves (sub-millisecond except the query embedding, see
docs/BENCHMARKS.md).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from typing import Any, Callable, Sequence

from django.conf import settings
from django.db import transaction

from crtproject import metrics
from detection.engine import extract_facts
from detection.engine import question_slots as rule_question_slots
from learning import ab, registry, sampling
from learning.anonymize import anonymize
from learning.ml import rules
from learning.models import new_request_id

logger = logging.getLogger(__name__)

PREDICTIONS = metrics.Counter("crt_learning_predictions", "Predictions made on the request path",
                              ["model", "source"])
#: Other threads of the user searched for facts, most recent first (baseline choice).
CROSS_THREAD_MAX_THREADS = 5
#: Recent messages of the current thread used as its context for relevance (baseline choice).
CONTEXT_MESSAGES = 6
#: A query embedding slower than this (ms) switches the learned slot classifier off in this process
#: for EMBEDDING_COOLDOWN_S: on a saturated web node the rules answer instead of adding latency
#: (seed 000: API p95 < 100 ms; one idle embedding takes ~9 ms, NOTES.md).
EMBEDDING_BUDGET_MS = 50.0
EMBEDDING_COOLDOWN_S = 60.0
QUERY_EMBEDDING_THREADS = 1

#: How the answer asks the user to confirm an extracted fact ("{}" is the value).
CONFIRM_QUESTIONS = {
    "name": "is your name {}?", "age": "are you {}?", "employer": "do you work at {}?",
    "job_title": "do you work as {}?", "location": "do you live in {}?", "spouse": "is your partner {}?",
    "pet": "do you have a {}?", "language": "do you speak {}?", "preference": "do you like {}?",
}
#: How the answer asks whether an old fact still holds.
STILL_TRUE = {
    "name": "your name is {}", "age": "you are {}", "employer": "you work at {}", "job_title": "you work as {}",
    "location": "you live in {}", "spouse": "your partner is {}", "pet": "you have a {}",
    "language": "you speak {}", "preference": "you like {}",
}


def arm_for(user) -> str:
    """The user's A/B arm (``learned`` / ``rules``), from ``CRT_AB_LEARNED_SHARE`` and ``CRT_AB_SALT``."""
    return ab.assign_arm(user.pk, share=float(getattr(settings, "CRT_AB_LEARNED_SHARE", 0.1)),
                         salt=str(getattr(settings, "CRT_AB_SALT", "crt-ab-1")))


class _Embedder:
    """Whether MiniLM is loaded in this process (loads it in a background thread on request), and a
    circuit breaker that pauses query embeddings after one took longer than the budget."""

    def __init__(self):
        self._ready = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._paused_until = 0.0

    def ready(self) -> bool:
        return self._ready

    def paused(self) -> bool:
        return time.monotonic() < self._paused_until

    def embed(self, text: str):
        """The query's embedding; trips the breaker when it took longer than the budget.

        Runs torch with :data:`QUERY_EMBEDDING_THREADS` intra-op thread in the calling thread: one
        sentence gains nothing from a second thread, and on a busy node the spinning second thread
        multiplied the latency (measured: p50 13 ms with one thread vs 56–73 ms with two, under
        load; docs/BENCHMARKS.md)."""
        import torch  # noqa: PLC0415 - loaded with the model anyway

        from learning.ml.slot_classifier import embed_queries  # noqa: PLC0415 - numpy, only when needed

        if torch.get_num_threads() != QUERY_EMBEDDING_THREADS:
            torch.set_num_threads(QUERY_EMBEDDING_THREADS)
        started = time.perf_counter()
        vector = embed_queries([text])[0]
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        if elapsed_ms > float(getattr(settings, "CRT_QUERY_EMBEDDING_BUDGET_MS", EMBEDDING_BUDGET_MS)):
            self._paused_until = time.monotonic() + EMBEDDING_COOLDOWN_S
            logger.warning("query embedding took %.0f ms; the slot classifier pauses for %.0f s in this process",
                           elapsed_ms, EMBEDDING_COOLDOWN_S)
        return vector

    def warm_up_in_background(self) -> None:
        with self._lock:
            if self._ready or (self._thread is not None and self._thread.is_alive()):
                return
            self._thread = threading.Thread(target=self._load, name="crt-embedder-warmup", daemon=True)
            self._thread.start()

    def wait(self, timeout: float) -> bool:
        """Block until loaded (tests, benchmarks); True when ready."""
        self.warm_up_in_background()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._ready

    def _load(self) -> None:
        try:
            from memory.embeddings import get_model  # noqa: PLC0415

            get_model()
            self._ready = True
        except Exception:
            logger.exception("could not load the embedding model; the slot classifier falls back to rules")


EMBEDDER = _Embedder()


def _fail_safe(default: Callable[..., Any]):
    """Run the hook; on any exception log it and return ``default(*args, **kwargs)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except Exception:
                logger.exception("learning hook %s failed; continuing with the rule-based behaviour",
                                 method.__name__)
                self.hook_errors.append(method.__name__)
                return default(self, *args, **kwargs)
        return wrapper
    return decorate


def _anonymized(value, found: dict[str, int]):
    """Anonymize every string inside a JSON-like value; counts go into ``found``."""
    if isinstance(value, str):
        result = anonymize(value)
        for kind, n in result.found.items():
            found[kind] = found.get(kind, 0) + n
        return result.text
    if isinstance(value, dict):
        return {k: _anonymized(v, found) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_anonymized(v, found) for v in value]
    return value


class Turn:
    """The learning track's state for one chat request. Create with :func:`start_turn`."""

    def __init__(self, *, owner, thread_id: str, message: str):
        self.request_id = new_request_id()
        self.owner = owner
        self.thread_id = thread_id
        self.message = message
        self.timestamp = time.time()
        self.started = time.perf_counter()
        self.arm = arm_for(owner)
        self.predictions: list[dict] = []
        self.slots_inferred: list[str] | None = None
        self.slot_source = ""
        self.facts_injected: list[dict] = []
        self.facts_extracted: list[dict] = []
        self.confirmations: list[dict] = []
        self.staleness_prompts: list[dict] = []
        self.learned_suggestions: list[dict] = []
        self.heuristic_suggestions: list[dict] = []
        self.hook_errors: list[str] = []
        self.memory_id = ""

    # ------------------------------------------------------------------ helpers
    def _model(self, name: str) -> registry.LoadedModel | None:
        if self.arm != ab.LEARNED:
            return None
        try:
            return registry.get_active(name)
        except Exception:
            logger.exception("model registry unavailable; %s falls back to rules", name)
            return None

    def _record(self, name: str, model: registry.LoadedModel | None, inputs: dict, output: dict, **extra) -> dict:
        entry = {"model": name, "version": model.version if model else "rules",
                 "source": "learned" if model else "rules", "input": inputs, "output": output, **extra}
        self.predictions.append(entry)
        PREDICTIONS.labels(model=name, source=entry["source"]).inc()
        logger.debug("%s %s by %s: %s", self.request_id, name, model.label if model else "rules", output)
        return entry

    @property
    def model_versions(self) -> dict[str, Any]:
        """``{model: version number or "rules"}`` of the predictions made in this turn."""
        return {p["model"]: p["version"] for p in self.predictions}

    # ------------------------------------------------------------------ phase 2: slots
    def _rules_slots(self, text: str) -> list[str]:
        return rule_question_slots(text)

    @_fail_safe(_rules_slots)
    def question_slots(self, text: str) -> list[str]:
        """The slots the question ``text`` needs (see the module docstring)."""
        rules = rule_question_slots(text)
        model = self._model("slot_classifier")
        fallback = ""
        if model is not None:
            if not getattr(settings, "CRT_LEARNING_QUERY_EMBEDDINGS", True):
                fallback = "query_embeddings_disabled"
            elif not EMBEDDER.ready():
                EMBEDDER.warm_up_in_background()
                fallback = "embedding_model_loading"
            elif EMBEDDER.paused():
                fallback = "embedding_slow"
            else:
                vector = EMBEDDER.embed(text)
                output = _learned("slot_classifier", model, {"query": text, "embedding": vector})
                self._record("slot_classifier", model, {"query": text}, output, baseline=rules)
                self.slots_inferred, self.slot_source = output["slots"], "learned"
                return list(output["slots"])
        self._record("slot_classifier", None, {"query": text}, {"slots": rules},
                     **({"fallback": fallback} if fallback else {}))
        self.slots_inferred, self.slot_source = rules, "rules" + (f" ({fallback})" if fallback else "")
        return rules

    # ------------------------------------------------------------------ phase 5: cross-thread facts
    def _no_facts(self, **_kwargs) -> list:
        return []

    @_fail_safe(_no_facts)
    def cross_thread_facts(self, *, slots: Sequence[str], question: str,
                           current_values: Callable[[list], dict]) -> list[tuple[str, list]]:
        """``[(slot, [Fact, …]), …]`` from the user's other threads, relevance > 0.5 each.

        ``current_values`` turns a statement-ordered fact list into ``{slot: [current facts]}``
        (``memory.chat._current_values``). Empty when ``slots`` is empty.
        """
        if not slots:
            return []
        from memory import selectors as memory_selectors  # noqa: PLC0415 - memory imports this module

        recent = memory_selectors.recent_memories(owner=self.owner, limit=200)
        threads: list[str] = []
        context_texts: list[str] = []
        for memory in recent:
            if memory.thread_id == self.thread_id:
                if len(context_texts) < CONTEXT_MESSAGES:
                    context_texts.append(memory.text)
            elif memory.thread_id not in threads and len(threads) < CROSS_THREAD_MAX_THREADS:
                threads.append(memory.thread_id)
        if not threads:
            return []
        context = " ".join(reversed(context_texts)) if context_texts else question
        model = self._model("cross_thread_relevance")
        chosen: dict[str, list] = {}
        for thread in threads:
            facts = memory_selectors.thread_facts(owner=self.owner, thread_id=thread,
                                                  slots=[s for s in slots if s not in chosen])
            for slot, current in current_values(facts).items():
                if not current or slot in chosen:
                    continue
                inputs = {"context": context, "slot": slot, "value": ", ".join(f.value for f in current),
                          "current_thread": self.thread_id, "fact_thread": thread}
                output = (_learned("cross_thread_relevance", model, inputs) if model
                          else rules.relevance_baseline(inputs))
                self._record("cross_thread_relevance", model, inputs, output, injected=output["relevant"])
                if output["relevant"]:
                    chosen[slot] = current
                    self.facts_injected.extend(
                        {"memory_id": f.memory_id, "slot": f.slot, "value": f.value, "thread_id": thread,
                         "cross_thread": True, "relevance": output["relevance"]} for f in current)
        return [(slot, chosen[slot]) for slot in slots if slot in chosen]

    def note_injected(self, facts: Sequence) -> None:
        """Record the same-thread facts an answer used."""
        self.facts_injected.extend({"memory_id": f.memory_id, "slot": f.slot, "value": f.value,
                                    "thread_id": self.thread_id, "cross_thread": False} for f in facts)

    # ------------------------------------------------------------------ phase 6: staleness
    def _no_prompt(self, *args, **kwargs) -> str:
        return ""

    @_fail_safe(_no_prompt)
    def staleness_prompt(self, *, facts: Sequence, current: dict[str, list], slots: Sequence[str]) -> str:
        """A sentence asking about the stalest answered fact with P(stale) > 0.8, or ``""``.

        ``facts`` are the thread's facts of ``slots`` in statement order (with ``.memory``),
        ``current`` the answer's current values. At most one question per answer.
        """
        now = time.time()
        model = self._model("staleness")
        best: tuple[float, Any, dict] | None = None
        for slot in slots:
            for fact in current.get(slot) or []:
                history = [f for f in facts if f.slot == slot and not f.negated]
                times = [f.memory.timestamp for f in history] or [fact.memory.timestamp]
                inputs = {"slot": slot, "age_days": round(max(now - fact.memory.timestamp, 0.0) / 86400.0, 3),
                          "n_statements": max(len(history), 1),
                          "n_values": max(len({f.normalized for f in history}), 1),
                          "span_days": round(max(max(times) - min(times), 0.0) / 86400.0, 3)}
                output = _learned("staleness", model, inputs) if model else rules.staleness_baseline(inputs)
                self._record("staleness", model, inputs, output, fact_memory_id=fact.memory_id)
                if output["prompt"] and (best is None or output["stale_probability"] > best[0]):
                    best = (output["stale_probability"], fact, inputs)
        if best is None:
            return ""
        probability, fact, inputs = best
        statement = STILL_TRUE.get(fact.slot, f"your {fact.slot} is {{}}").format(fact.value)
        question = f"Is it still true that {statement}?"
        self.staleness_prompts.append({"kind": "staleness", "memory_id": fact.memory_id, "slot": fact.slot,
                                       "value": fact.value, "stale_probability": probability,
                                       "features": inputs, "question": question})
        return question

    # ------------------------------------------------------------------ phase 3: extraction confidence
    def _no_confirmation(self, *args, **kwargs) -> str:
        return ""

    @_fail_safe(_no_confirmation)
    def confirm_extractions(self, *, text: str, memory_id: str) -> str:
        """Score each fact extracted from the statement ``text``; returns the confirmation question
        for those below 0.7 (``""`` when every fact is confident)."""
        self.memory_id = memory_id
        model = self._model("extraction_confidence")
        questions = []
        for fact in extract_facts(text):
            inputs = {"text": text, "slot": fact.slot, "value": fact.value, "negated": fact.negated}
            output = _learned("extraction_confidence", model, inputs) if model else rules.extraction_baseline(inputs)
            self._record("extraction_confidence", model, inputs, output)
            self.facts_extracted.append({"slot": fact.slot, "value": fact.value, "negated": fact.negated,
                                         "confidence": output["confidence"]})
            if output["needs_confirmation"]:
                phrase = CONFIRM_QUESTIONS.get(fact.slot, f"is your {fact.slot} {{}}?").format(fact.value)
                if fact.negated:
                    phrase = f"you said no to “{fact.value}” for your {fact.slot.replace('_', ' ')} — is that right?"
                questions.append(phrase)
                self.confirmations.append({"kind": "extraction", "memory_id": memory_id, "slot": fact.slot,
                                           "value": fact.value, "negated": fact.negated,
                                           "confidence": output["confidence"], "question": phrase})
        if not questions:
            return ""
        return "Just to be sure I understood: " + " And ".join(questions) + \
            " (Confirm it, or correct me, via /api/feedback/confirm.)"

    # ------------------------------------------------------------------ phase 4: resolution suggestions
    @_fail_safe(lambda self, *a, **k: None)
    def _suggest_resolutions(self) -> None:
        from ledger import selectors as ledger_selectors  # noqa: PLC0415
        from learning import selectors  # noqa: PLC0415

        entries = ledger_selectors.open_entries(owner=self.owner, thread_id=self.thread_id)[:5]
        if not entries:
            return
        decisions = selectors.policy_decisions(ledger_ids=[e.ledger_id for e in entries])
        missing = False
        for entry in entries:
            row = policy_row(entry)
            self.heuristic_suggestions.append({"ledger_id": entry.ledger_id,
                                               "action": rules.baseline_action(row), "source": "rules"})
            decision = decisions.get(entry.ledger_id)
            if self.arm == ab.LEARNED:
                if decision is not None and decision.source == "learned":
                    self.learned_suggestions.append({"ledger_id": entry.ledger_id, "action": decision.action,
                                                     "probabilities": decision.probabilities,
                                                     "model_version": decision.model_version,
                                                     "applied": decision.applied})
                elif decision is None:
                    missing = True
        if missing:
            from learning.tasks import review_contradictions  # noqa: PLC0415

            owner_id = self.owner.pk
            transaction.on_commit(lambda: _publish_quietly(review_contradictions, owner_id))

    # ------------------------------------------------------------------ finishing
    def metadata(self) -> dict:
        """Keys this turn adds to the chat response's ``metadata``."""
        data = {"interaction_id": self.request_id, "ab_arm": self.arm, "model_versions": self.model_versions}
        if self.slots_inferred is not None:
            data["slot_inference"] = {"slots": self.slots_inferred, "source": self.slot_source}
        data["confirmations"] = [{k: v for k, v in c.items()} for c in self.confirmations]
        data["staleness_prompts"] = [{k: v for k, v in p.items() if k != "features"} for p in self.staleness_prompts]
        data["cross_thread_facts"] = [f for f in self.facts_injected if f.get("cross_thread")]
        return data

    def finish(self, result) -> None:
        """Suggestions for open contradictions, then log the turn (never raises)."""
        try:
            if result.unresolved_total or result.contradictions:
                self._suggest_resolutions()
            self._submit(self._payload(result=result))
        except Exception:
            logger.exception("could not log interaction %s", self.request_id)

    def fail(self, exc: BaseException) -> None:
        """Log a turn that raised (kept at 100 %). Never raises."""
        try:
            self._submit(self._payload(result=None, error=f"{type(exc).__name__}: {exc}"[:2000]), now=True)
        except Exception:
            logger.exception("could not log failed interaction %s", self.request_id)

    def _payload(self, *, result, error: str = "") -> dict | None:
        latency_ms = (time.perf_counter() - self.started) * 1000.0
        contradiction = bool(result and (result.contradictions or result.reintroduced_ids))
        decision = sampling.decide(
            request_id=self.request_id, rate=float(getattr(settings, "CRT_INTERACTION_SAMPLE_RATE", 1.0)),
            slow_ms=float(getattr(settings, "CRT_INTERACTION_SLOW_MS", 100.0)), latency_ms=latency_ms,
            error=bool(error), contradiction=contradiction,
            feedback_prompt=bool(self.confirmations or self.staleness_prompts),
            model_prediction=any(p["source"] == "learned" for p in self.predictions))
        if not decision.keep:
            return None
        found: dict[str, int] = {}
        memory = getattr(result, "memory", None)
        payload = {
            "request_id": self.request_id, "owner_id": self.owner.pk, "thread_id": self.thread_id,
            "memory_id": memory.memory_id if memory is not None else self.memory_id,
            "timestamp": self.timestamp, "ab_arm": self.arm,
            "is_question": bool(memory.is_question) if memory is not None else False,
            "query": _anonymized(self.message, found),
            "answer": _anonymized(result.answer, found) if result else "",
            "response_type": result.response_type if result else "",
            "slots_inferred": self.slots_inferred or [], "slot_source": self.slot_source,
            "facts_injected": _anonymized(self.facts_injected, found),
            "facts_extracted": _anonymized(self.facts_extracted, found),
            "predictions": _anonymized(self.predictions, found),
            "model_versions": self.model_versions,
            "prompts": _anonymized([c["question"] for c in self.confirmations + self.staleness_prompts], found),
            "latency_ms": round(latency_ms, 3),
            "detection_status": result.detection_status if result else "",
            "contradiction_detected": bool(result and result.contradictions),
            "contradictions": [{"ledger_id": c.get("ledger_id"), "slot": c.get("slot"),
                                "contradiction_type": c.get("contradiction_type")}
                               for c in (result.contradictions if result else [])],
            "unresolved_total": result.unresolved_total if result else 0,
            "error": error + ("; learning hooks failed: " + ", ".join(self.hook_errors) if self.hook_errors else ""),
            "sample_reason": decision.reason, "sample_rate": decision.rate,
        }
        payload["pii_found"] = found
        return payload

    def _submit(self, payload: dict | None, *, now: bool = False) -> None:
        if payload is None:
            return
        mode = getattr(settings, "CRT_LEARNING_LOG_MODE", "async")
        if mode == "off":
            return
        if mode == "sync":
            from learning import services  # noqa: PLC0415

            def write() -> None:
                try:
                    services.record_interaction(payload=payload)
                except Exception:
                    logger.exception("could not write interaction %s", payload["request_id"])

            write() if now else transaction.on_commit(write)
            return
        from learning.publisher import PUBLISHER  # noqa: PLC0415

        if now:
            PUBLISHER.submit(payload)
        else:
            transaction.on_commit(lambda: PUBLISHER.submit(payload))


def _learned(name: str, model: registry.LoadedModel, inputs: dict) -> dict:
    """One prediction of an active learned model (imports its module: the model is loaded anyway)."""
    from learning.ml import get_spec  # noqa: PLC0415

    return get_spec(name).predict(model.pipeline, [inputs])[0]


def _publish_quietly(task, *args) -> None:
    try:
        task.apply_async(args=list(args), retry=True,
                         retry_policy={"max_retries": 0, "interval_start": 0, "interval_step": 0, "interval_max": 0})
    except Exception:
        logger.warning("could not publish %s; the periodic review will pick it up", task.name, exc_info=True)


def policy_row(entry, *, history: dict | None = None) -> dict:
    """The resolution policy's input for a ledger entry (``history`` empty unless given)."""
    delta = 0.0
    try:
        delta = max((entry.memory_b.timestamp - entry.memory_a.timestamp) / 86400.0, 0.0)
    except Exception:  # entry without loaded memories: time delta unknown
        pass
    return {"slot": entry.slot, "contradiction_type": entry.contradiction_type, "old_value": entry.old_value,
            "new_value": entry.new_value, "time_delta_days": round(delta, 3),
            "history": history or rules.empty_history()}


def start_turn(*, owner, thread_id: str, message: str) -> Turn:
    """A new :class:`Turn` for one chat request."""
    return Turn(owner=owner, thread_id=thread_id, message=message)


__all__ = ["Turn", "start_turn", "arm_for", "EMBEDDER", "policy_row"]
