from django.apps import AppConfig


class LearningConfig(AppConfig):
    """Active learning (interaction log, feedback, models). Tables arrive with the learning track."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
