"""Request shapes of the feedback and learning API (strict: wrong types are 400s naming the field)."""

from rest_framework import serializers

from learning.ml.common import SLOTS
from learning.models import ConfirmationKind, ReportCategory
from memory.serializers import StrictBooleanField, StrictCharField

_ID = {"max_length": 64, "required": False, "allow_blank": True, "default": ""}


class StrictChoiceField(serializers.ChoiceField):
    """A ChoiceField that refuses non-strings (so ``1`` is not taken for ``"1"``)."""

    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class TurnReferenceSerializer(serializers.Serializer):
    """Which chat turn the feedback is about: ``memory_id`` (``metadata.memory_id`` of the chat
    response) and/or ``interaction_id`` (``metadata.interaction_id``)."""

    memory_id = StrictCharField(**_ID)
    interaction_id = StrictCharField(**_ID)


class ThumbsSerializer(TurnReferenceSerializer):
    """``POST /api/feedback/thumbs``: ``rating`` ``"up"``/``"down"`` (or 1/−1), optional ``comment``."""

    rating = serializers.JSONField()
    comment = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate_rating(self, value):
        mapping = {"up": 1, "down": -1, 1: 1, -1: -1}
        if isinstance(value, bool) or value not in mapping:
            raise serializers.ValidationError('Must be "up", "down", 1 or -1.')
        return mapping[value]

    def validate(self, attrs):
        if not attrs["memory_id"] and not attrs["interaction_id"]:
            raise serializers.ValidationError({"memory_id": ["Give memory_id or interaction_id of the answer."]})
        return attrs


class CorrectionSerializer(TurnReferenceSerializer):
    """``POST /api/feedback/correction``: ``text`` ("actually my name is X"), or ``slot`` + ``value``;
    optional ``thread_id`` (default: the referenced turn's thread, else ``"default"``)."""

    thread_id = StrictCharField(max_length=64, required=False, allow_blank=True, default="")
    text = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    slot = StrictChoiceField(choices=list(SLOTS), required=False)
    value = StrictCharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs["text"] and not attrs.get("slot"):
            raise serializers.ValidationError({"text": ["Give text, or slot and value."]})
        if attrs["text"] and attrs.get("slot"):
            raise serializers.ValidationError({"slot": ["Give either text or slot and value, not both."]})
        if attrs.get("slot") and not attrs["value"]:
            raise serializers.ValidationError({"value": ["This field is required with slot."]})
        return attrs


class ReportSerializer(TurnReferenceSerializer):
    """``POST /api/feedback/report``: ``category``, ``comment``, optional turn and ``ledger_id``."""

    category = StrictChoiceField(choices=ReportCategory.choices)
    comment = StrictCharField(max_length=4000, allow_blank=False)
    ledger_id = StrictCharField(**_ID)


class ConfirmSerializer(serializers.Serializer):
    """``POST /api/feedback/confirm``: the answer to a confirmation (``kind="extraction"``) or a
    staleness question (``kind="staleness"``) about ``slot`` in memory ``memory_id``."""

    memory_id = StrictCharField(max_length=64)
    interaction_id = StrictCharField(**_ID)
    slot = StrictChoiceField(choices=list(SLOTS))
    kind = StrictChoiceField(choices=ConfirmationKind.choices, default=ConfirmationKind.EXTRACTION)
    confirmed = StrictBooleanField()
    value = StrictCharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["confirmed"] and attrs["value"]:
            raise serializers.ValidationError({"value": ["Only give a value when confirmed is false."]})
        return attrs


class StatsQuerySerializer(serializers.Serializer):
    """``GET /api/feedback/stats?scope=mine|all`` (``all`` for staff)."""

    scope = serializers.ChoiceField(choices=["mine", "all"], default="mine")
