from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LedgerConfig(AppConfig):
    """The contradiction ledger: append-only entries and events, their API and the admin dashboard."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ledger"

    def ready(self) -> None:
        from ledger.groups import ensure_compliance_group

        # Migration 0006 creates the group; this keeps it after a database flush (tests) too. Runs after
        # every app's post_migrate (idempotent) so that later apps' permissions get granted as well.
        post_migrate.connect(ensure_compliance_group, dispatch_uid="ledger-compliance-group")
