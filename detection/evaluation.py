"""The detection evaluation harness (issue #3): datasets, in-process replay, metrics, report.

Two JSONL formats, recognised per line:

* pairs: ``{"premise", "hypothesis", "label": "contradiction"|"entailment"|"neutral", "category"?}``
  — the premise is the earlier statement, the hypothesis the later one; contradiction is the
  positive class.
* conversations: ``{"id", "turns": [{"text", "expect_contradiction": bool}, ...]}`` — each turn
  is checked against the conversation's own earlier turns, in order.

The in-process path builds engine ``Statement`` objects exactly as the worker does
(:func:`build_statement`) and calls the same ``detect`` with the same pair scorer, so its figures
are the worker's figures; ``--db`` in the command proves it by replaying through the API.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from detection.engine import Statement, detect, extract_facts, is_question

#: Seconds between consecutive turns/pairs in replays (one day: synthetic but realistic spacing).
TURN_SPACING_S = 86_400.0
LABELS = ("contradiction", "entailment", "neutral")

Embedder = Callable[[Sequence[str]], np.ndarray]


class DatasetError(ValueError):
    """A dataset line is not valid JSON or not one of the two formats (message names the line)."""


@dataclass(frozen=True)
class LabeledPair:
    premise: str
    hypothesis: str
    label: str
    category: str = "uncategorized"

    @property
    def is_contradiction(self) -> bool:
        return self.label == "contradiction"


@dataclass(frozen=True)
class Conversation:
    id: str
    turns: tuple[tuple[str, bool], ...]  # (text, expect_contradiction)


def build_statement(*, memory_id: str, text: str, timestamp: float, embedding=None) -> Statement:
    """The engine's view of a statement, as the worker builds it (questions carry no facts)."""
    facts = () if is_question(text) else tuple(extract_facts(text))
    vector = tuple(float(x) for x in embedding) if embedding is not None else None
    return Statement(memory_id=memory_id, text=text, timestamp=timestamp, facts=facts, embedding=vector)


def _parse_line(number: int, line: str) -> LabeledPair | Conversation:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"line {number}: not JSON ({exc.msg})") from exc
    if not isinstance(row, dict):
        raise DatasetError(f"line {number}: expected a JSON object")
    if "turns" in row:
        turns = row["turns"]
        if not isinstance(turns, list) or not all(
            isinstance(t, dict) and isinstance(t.get("text"), str) and isinstance(t.get("expect_contradiction"), bool)
            for t in turns
        ):
            raise DatasetError(f"line {number}: 'turns' must be a list of {{text, expect_contradiction}}")
        return Conversation(id=str(row.get("id", number)), turns=tuple((t["text"], t["expect_contradiction"]) for t in turns))
    if not all(isinstance(row.get(k), str) for k in ("premise", "hypothesis", "label")):
        raise DatasetError(f"line {number}: a pair needs string 'premise', 'hypothesis' and 'label'")
    if row["label"] not in LABELS:
        raise DatasetError(f"line {number}: label must be one of {LABELS}, got {row['label']!r}")
    return LabeledPair(row["premise"], row["hypothesis"], row["label"], str(row.get("category") or "uncategorized"))


def load_dataset(path: Path) -> tuple[list[LabeledPair], list[Conversation]]:
    """Read a JSONL file of pairs and/or conversations. Raises DatasetError or OSError."""
    pairs, conversations = [], []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                item = _parse_line(number, line)
                (conversations if isinstance(item, Conversation) else pairs).append(item)
    if not pairs and not conversations:
        raise DatasetError(f"{path}: no pairs or conversations")
    return pairs, conversations


def _rates(tp: int, fp: int, tn: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "precision": round(precision, 4), "recall": round(recall, 4),
        "false_positive_rate": round(fp / (fp + tn), 4) if fp + tn else 0.0,
        "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
    }


def score_predictions(expected: Sequence[bool], predicted: Sequence[bool]) -> dict:
    """Precision, recall, false-positive rate, F1 and the confusion counts (positive = contradiction)."""
    tp = sum(e and p for e, p in zip(expected, predicted))
    fp = sum(p and not e for e, p in zip(expected, predicted))
    fn = sum(e and not p for e, p in zip(expected, predicted))
    return _rates(tp, fp, len(expected) - tp - fp - fn, fn)


def _latency(ms: Sequence[float]) -> dict:
    return {"p50_ms": round(float(np.percentile(ms, 50)), 3), "p95_ms": round(float(np.percentile(ms, 95)), 3)} \
        if ms else {"p50_ms": None, "p95_ms": None}


def _is_contradiction(findings) -> bool:
    return any(f.contradiction_type != "REFINEMENT" for f in findings)


def _embed_all(texts: Iterable[str], embed: Embedder | None) -> dict[str, np.ndarray | None]:
    unique = list(dict.fromkeys(texts))
    if embed is None:
        return {t: None for t in unique}
    return dict(zip(unique, embed(unique)))


def evaluate_pairs(pairs: Sequence[LabeledPair], *, embed: Embedder | None, scorer=None, threshold: float = 1.0) -> dict:
    """Run ``detect`` on every pair; report overall and per-category figures and latency.

    ``embed`` maps texts to unit vectors (batched once, excluded from latency); ``scorer`` and
    ``threshold`` are the pair classifier's (see detection.classifier.get_scorer).
    """
    vectors = _embed_all([t for p in pairs for t in (p.premise, p.hypothesis)], embed)
    predicted, latencies, rows = [], [], []
    for index, pair in enumerate(pairs):
        old = build_statement(memory_id=f"p{index}a", text=pair.premise, timestamp=0.0, embedding=vectors[pair.premise])
        new = build_statement(memory_id=f"p{index}b", text=pair.hypothesis, timestamp=TURN_SPACING_S,
                              embedding=vectors[pair.hypothesis])
        started = time.perf_counter()
        findings = detect(new, [old], pair_scorer=scorer, pair_threshold=threshold)
        latencies.append((time.perf_counter() - started) * 1000)
        flagged = _is_contradiction(findings)
        predicted.append(flagged)
        rows.append({"premise": pair.premise, "hypothesis": pair.hypothesis, "category": pair.category,
                     "label": pair.label, "predicted": flagged,
                     "rules": sorted({f.rule for f in findings})})
    expected = [p.is_contradiction for p in pairs]
    categories = {}
    for category in sorted({p.category for p in pairs}):
        idx = [i for i, p in enumerate(pairs) if p.category == category]
        categories[category] = {"n": len(idx), **score_predictions([expected[i] for i in idx], [predicted[i] for i in idx])}
    confusion = {label: {"flagged": sum(1 for r in rows if r["label"] == label and r["predicted"]),
                         "not_flagged": sum(1 for r in rows if r["label"] == label and not r["predicted"])}
                 for label in LABELS}
    return {"kind": "pairs", "n": len(pairs), **score_predictions(expected, predicted), "latency": _latency(latencies),
            "confusion": confusion, "categories": categories, "rows": rows}


def replay_conversation(conversation: Conversation, *, vectors: dict, scorer=None, threshold: float = 1.0):
    """Per-turn (flagged, findings, latency_ms) replaying ``conversation`` against its own history."""
    history: list[Statement] = []
    results = []
    for index, (text, _expected) in enumerate(conversation.turns):
        statement = build_statement(memory_id=f"{conversation.id}:{index}", text=text,
                                    timestamp=index * TURN_SPACING_S, embedding=vectors.get(text))
        started = time.perf_counter()
        findings = detect(statement, history, pair_scorer=scorer, pair_threshold=threshold)
        results.append((_is_contradiction(findings), findings, (time.perf_counter() - started) * 1000))
        history.append(statement)
    return results


def evaluate_conversations(conversations: Sequence[Conversation], *, embed: Embedder | None, scorer=None,
                           threshold: float = 1.0) -> dict:
    """Replay each conversation in order; report per-turn figures, latency and per-turn rows."""
    vectors = _embed_all([t for c in conversations for t, _ in c.turns], embed)
    expected, predicted, latencies, rows = [], [], [], []
    for conversation in conversations:
        for index, (flagged, findings, ms) in enumerate(
            replay_conversation(conversation, vectors=vectors, scorer=scorer, threshold=threshold)
        ):
            text, expect = conversation.turns[index]
            expected.append(expect)
            predicted.append(flagged)
            latencies.append(ms)
            rows.append({"conversation": conversation.id, "turn": index, "text": text, "expected": expect,
                         "predicted": flagged, "rules": sorted({f.rule for f in findings})})
    return {"kind": "conversations", "conversations": len(conversations), "n": len(expected),
            **score_predictions(expected, predicted), "latency": _latency(latencies), "rows": rows}


def format_report(report: dict) -> str:
    """Human-readable text of a pairs or conversations report."""
    lines = [f"{report['kind']}: {report['n']} items"
             + (f" in {report['conversations']} conversations" if report["kind"] == "conversations" else ""),
             f"  precision {report['precision']:.3f}  recall {report['recall']:.3f}  "
             f"false-positive rate {report['false_positive_rate']:.3f}  F1 {report['f1']:.3f}",
             f"  confusion: TP {report['tp']}  FP {report['fp']}  TN {report['tn']}  FN {report['fn']}",
             f"  detector latency per item: p50 {report['latency']['p50_ms']} ms  p95 {report['latency']['p95_ms']} ms"]
    if report["kind"] == "pairs":
        lines.append("  by label (flagged / not flagged): " + ", ".join(
            f"{label} {c['flagged']}/{c['not_flagged']}" for label, c in report["confusion"].items()))
        lines.append(f"  {'category':<20} {'n':>4} {'recall':>7} {'FPR':>7}")
        for category, c in report["categories"].items():
            positives, negatives = c["tp"] + c["fn"], c["fp"] + c["tn"]
            recall = f"{c['recall']:.3f}" if positives else "-"
            fpr = f"{c['false_positive_rate']:.3f}" if negatives else "-"
            lines.append(f"  {category:<20} {c['n']:>4} {recall:>7} {fpr:>7}")
    if report.get("agreement") is not None:
        lines.append(f"  agreement API+worker vs in-process: {report['agreement']:.3f} of turns")
    return "\n".join(lines)
