"""Ledger API shapes (v0.9 ledger list item plus our type/confidence fields)."""

from rest_framework import serializers

#: Resolution policy reported for every entry until the learned resolution policy (seed 001,
#: learning phase 4) exists: each contradiction waits for the user's answer.
DEFAULT_POLICY = "ask_user"


class LedgerQuerySerializer(serializers.Serializer):
    """Query string of ``GET /api/contradictions``."""

    thread_id = serializers.CharField(max_length=64, required=False)
    status = serializers.ChoiceField(choices=["open", "asked", "resolved", "dismissed", "auto_resolved"],
                                     required=False)
    limit = serializers.IntegerField(min_value=1, max_value=500, default=100)


def ledger_item(entry) -> dict:
    """v0.9 ledger list item: ledger_id, timestamp, status, … old_trust, new_trust, policy."""
    return {
        "ledger_id": entry.ledger_id,
        "timestamp": entry.timestamp,
        "status": entry.status,
        "contradiction_type": entry.contradiction_type,
        "severity": entry.severity,
        "drift_mean": entry.drift_mean,
        "confidence_delta": round(entry.memory_a.confidence - entry.memory_b.confidence, 6),
        "confidence": entry.confidence,
        "summary": entry.summary,
        "query": entry.memory_b.text,
        "thread_id": entry.thread_id,
        "old_memory_id": entry.memory_a_id,
        "new_memory_id": entry.memory_b_id,
        "old_text": entry.memory_a.text,
        "new_text": entry.memory_b.text,
        "slot": entry.slot,
        "old_value": entry.old_value,
        "new_value": entry.new_value,
        "old_trust": entry.memory_a.trust,
        "new_trust": entry.memory_b.trust,
        "policy": DEFAULT_POLICY,
        "rule": entry.evidence.get("rule"),
    }
