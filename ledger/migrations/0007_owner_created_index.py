"""Lists are ordered newest first by ``created_at`` (see ledger.filters.LedgerCursorPagination):
the per-owner index follows."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0006_compliance_group"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="contradictionentry", name="ledger_owner_seq"),
        migrations.AddIndex(
            model_name="contradictionentry",
            index=models.Index(fields=["owner", "-created_at"], name="ledger_owner_created"),
        ),
    ]
