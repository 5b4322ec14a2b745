"""Request and response shapes of the memory/chat API (v0.9-compatible field names)."""

from django.conf import settings
from rest_framework import serializers

from memory.models import Memory


class StrictCharField(serializers.CharField):
    """A CharField that refuses non-strings (DRF's would turn ``123`` into ``"123"``)."""

    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A BooleanField that accepts only JSON true/false."""

    default_error_messages = {"invalid": "Must be a boolean (true or false)."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class ChatSendSerializer(serializers.Serializer):
    """Body of ``POST /api/chat/send`` (v0.9: thread_id, message, user_marked_important, mode)."""

    thread_id = StrictCharField(max_length=64, default="default", trim_whitespace=True)
    message = StrictCharField(max_length=settings.CRT_MAX_MESSAGE_CHARS, trim_whitespace=True)
    user_marked_important = StrictBooleanField(default=False)
    mode = StrictCharField(max_length=32, required=False, allow_null=True, allow_blank=True)
    session_id = StrictCharField(max_length=64, required=False, allow_null=True, allow_blank=True)

    def validate_thread_id(self, value: str) -> str:
        if not value:
            raise serializers.ValidationError("This field may not be blank.")
        return value


class WaitSerializer(serializers.Serializer):
    """Query string of ``POST /api/chat/send``: ``wait_ms`` in 0..CRT_MAX_WAIT_MS milliseconds."""

    wait_ms = serializers.IntegerField(min_value=0, max_value=settings.CRT_MAX_WAIT_MS, default=0)


class MemoryListQuerySerializer(serializers.Serializer):
    """Query string of ``GET /api/memory/recent``."""

    thread_id = serializers.CharField(max_length=64, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=200, default=20)


class MemorySerializer(serializers.ModelSerializer):
    """A memory as the API shows it (v0.9 field names; no embedding)."""

    class Meta:
        model = Memory
        fields = ["memory_id", "thread_id", "session_id", "text", "timestamp", "confidence", "trust",
                  "source", "sse_mode", "user_marked_important", "is_question", "created_at"]
