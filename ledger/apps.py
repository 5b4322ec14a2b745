from django.apps import AppConfig


class LedgerConfig(AppConfig):
    """The contradiction ledger: entries, their API and the admin dashboard."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ledger"
