from django.apps import AppConfig


class MemoryConfig(AppConfig):
    """Memories (what users said), their facts/slots, embeddings, retrieval and the chat API."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "memory"
