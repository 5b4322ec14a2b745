from django.apps import AppConfig


class DetectionConfig(AppConfig):
    """Detection jobs and logs, the Celery task, and the pure-Python engine (detection.engine)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "detection"

    def ready(self):
        from detection import signals  # noqa: F401 - connects the worker warm-up handlers
