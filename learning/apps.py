from django.apps import AppConfig


class LearningConfig(AppConfig):
    """The active-learning track (seed 001 track 2, issue 7): interaction log, feedback, the five
    learned models with their registry, training tasks and serving hooks. docs/LEARNING.md."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
    verbose_name = "Learning"
