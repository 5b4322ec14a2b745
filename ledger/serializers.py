"""Ledger API shapes: v0.9 ledger list items (NOTES.md) plus type, severity, provenance and hashes."""

from __future__ import annotations

from rest_framework import serializers

from ledger.models import EventAction, LedgerStatus
from ledger.services import USER_RESOLUTION_ACTIONS
from memory.serializers import StrictBooleanField, StrictCharField

#: Resolution policy reported for every entry until the learned resolution policy (seed 001,
#: learning phase 4) exists: each contradiction waits for the user's answer.
DEFAULT_POLICY = "ask_user"
#: Longest accepted free-text note or answer, in characters (baseline choice, like a chat message).
MAX_NOTE_CHARS = 10_000


class LedgerQuerySerializer(serializers.Serializer):
    """Query string of the v0.9 list ``GET /api/contradictions`` (no trailing slash)."""

    thread_id = serializers.CharField(max_length=64, required=False)
    status = serializers.ChoiceField(choices=LedgerStatus.values, required=False)
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


class LedgerEntrySerializer(serializers.Serializer):
    """One ledger entry in ``GET /api/contradictions/``: the v0.9 item fields plus severity,
    owner, provenance summary and the entry's place in the hash chain."""

    ledger_id = serializers.CharField()
    seq = serializers.IntegerField()
    timestamp = serializers.FloatField(help_text="Unix seconds of detection")
    created_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=LedgerStatus.choices)
    contradiction_type = serializers.CharField()
    severity = serializers.CharField()
    confidence = serializers.FloatField()
    drift_mean = serializers.FloatField(allow_null=True)
    confidence_delta = serializers.SerializerMethodField()
    summary = serializers.CharField()
    query = serializers.CharField(source="new_text")
    thread_id = serializers.CharField()
    owner = serializers.CharField(source="owner.username")
    old_memory_id = serializers.CharField(source="memory_a_id")
    new_memory_id = serializers.CharField(source="memory_b_id")
    old_text = serializers.CharField()
    new_text = serializers.CharField()
    slot = serializers.CharField()
    old_value = serializers.CharField()
    new_value = serializers.CharField()
    old_trust = serializers.FloatField(source="memory_a.trust")
    new_trust = serializers.FloatField(source="memory_b.trust")
    policy = serializers.SerializerMethodField()
    rule = serializers.SerializerMethodField()
    detector_version = serializers.CharField()
    prev_hash = serializers.CharField()
    row_hash = serializers.CharField()

    def get_confidence_delta(self, entry) -> float:
        return round(entry.memory_a.confidence - entry.memory_b.confidence, 6)

    def get_policy(self, entry) -> str:
        return DEFAULT_POLICY

    def get_rule(self, entry) -> str | None:
        return entry.evidence.get("rule")


class ResolutionEventSerializer(serializers.Serializer):
    """One event of an entry's timeline, with its provenance and hashes."""

    event_id = serializers.CharField()
    seq = serializers.IntegerField()
    action = serializers.ChoiceField(choices=EventAction.choices)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    method = serializers.CharField()
    note = serializers.CharField()
    user_answer = serializers.CharField()
    chosen_memory_id = serializers.CharField()
    merged_memory_id = serializers.CharField()
    undoes = serializers.CharField(source="undoes_id", allow_null=True)
    trust_changes = serializers.DictField(child=serializers.DictField(child=serializers.FloatField()))
    actor_kind = serializers.CharField()
    actor_name = serializers.CharField()
    host = serializers.CharField()
    user_agent = serializers.CharField()
    request_id = serializers.CharField()
    via = serializers.CharField()
    timestamp = serializers.FloatField()
    created_at = serializers.DateTimeField()
    prev_hash = serializers.CharField()
    row_hash = serializers.CharField()


class MemorySideSerializer(serializers.Serializer):
    """One of the two memories of an entry, with its current trust."""

    memory_id = serializers.CharField()
    text = serializers.CharField()
    trust = serializers.FloatField()
    confidence = serializers.FloatField()
    timestamp = serializers.FloatField()


class LedgerEntryDetailSerializer(LedgerEntrySerializer):
    """``GET /api/contradictions/{id}/``: both memories, evidence, provenance, the event timeline."""

    old_memory = MemorySideSerializer(source="memory_a")
    new_memory = MemorySideSerializer(source="memory_b")
    evidence = serializers.DictField()
    provenance = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    def get_provenance(self, entry) -> dict:
        return {"recorded_by": entry.recorded_by, "recorded_host": entry.recorded_host,
                "request_id": entry.request_id, "detector_version": entry.detector_version,
                "detection_job_id": entry.detection_job_id, "created_at": entry.created_at.isoformat()}

    def get_events(self, entry) -> list[dict]:
        return ResolutionEventSerializer(self.context.get("events", []), many=True).data


class ResolveSerializer(serializers.Serializer):
    """Body of ``POST /api/contradictions/{id}/resolve/``."""

    action = serializers.ChoiceField(choices=[a.value for a in USER_RESOLUTION_ACTIONS])
    note = StrictCharField(max_length=MAX_NOTE_CHARS, required=False, allow_blank=True, default="")


class UndoSerializer(serializers.Serializer):
    """Body of ``POST /api/contradictions/{id}/undo/`` (may be empty)."""

    note = StrictCharField(max_length=MAX_NOTE_CHARS, required=False, allow_blank=True, default="")


class ExportQuerySerializer(serializers.Serializer):
    """``format`` (csv or json) and, for CSV, ``records`` (entries or their events)."""

    format = serializers.ChoiceField(choices=["csv", "json"], default="csv")
    records = serializers.ChoiceField(choices=["entries", "events"], default="entries")


# --------------------------------------------------------------------------- v0.9 bodies
class ThreadQuerySerializer(serializers.Serializer):
    """``?thread_id=`` of the v0.9 ledger reads (default "default", like /api/chat/send)."""

    thread_id = serializers.CharField(max_length=64, default="default")


class AskedSerializer(serializers.Serializer):
    """Body of v0.9 ``POST /api/contradictions/asked``."""

    thread_id = StrictCharField(max_length=64, default="default")
    ledger_id = StrictCharField(max_length=64)


class RespondSerializer(serializers.Serializer):
    """Body of v0.9 ``POST /api/contradictions/respond``.

    ``resolve=true`` settles the entry: ``resolution_method`` one of keep_new/keep_old/keep_both/
    dismiss, or any other v0.9 method name with ``new_status`` resolved/dismissed.
    """

    thread_id = StrictCharField(max_length=64, default="default")
    ledger_id = StrictCharField(max_length=64)
    answer = StrictCharField(max_length=MAX_NOTE_CHARS, required=False, allow_blank=True, default="")
    resolve = StrictBooleanField(default=False)
    resolution_method = StrictCharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    new_status = serializers.ChoiceField(choices=["resolved", "dismissed"], required=False, allow_null=True)
    merged_memory_id = StrictCharField(max_length=64, required=False, allow_blank=True, allow_null=True)


class LedgerResolveSerializer(serializers.Serializer):
    """Body of v0.9 ``POST /api/ledger/resolve`` (v0.9 ``conflict_resolutions`` fields).

    Either ``resolution_method`` (keep_new/keep_old/keep_both/dismiss, or another v0.9 method
    name, recorded as a generic resolution) or ``chosen_memory_id`` (the memory the user keeps).
    """

    ledger_id = StrictCharField(max_length=64)
    thread_id = StrictCharField(max_length=64, required=False)
    resolution_method = StrictCharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    chosen_memory_id = StrictCharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    merged_memory_id = StrictCharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    user_feedback = StrictCharField(max_length=MAX_NOTE_CHARS, required=False, allow_blank=True, default="")

    def validate(self, data):
        if not (data.get("resolution_method") or data.get("chosen_memory_id")):
            raise serializers.ValidationError({"resolution_method": ["Give resolution_method or chosen_memory_id."]})
        return data
