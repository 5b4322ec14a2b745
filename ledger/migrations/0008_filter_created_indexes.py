"""One ``(filter column, created_at)`` index per admin list filter (status, type, severity, slot).

With 1,000,000 entries, the admin's type filter (200,000 matching rows) spent its time in heap
scans: the capped count and the date drill-down's count re-read the table (112–223 ms per request
under load, bench/ledger.py). With these indexes the filtered page, its capped count and every
drill-down probe are index(-only) scans (measured in docs/BENCHMARKS.md).

Built ``CONCURRENTLY`` (the migration is not atomic) so that a production ledger keeps accepting
writes while the indexes build. The new ``(status, created_at)`` index is created before the old
``(status)`` one is dropped, so status lookups always have an index.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("ledger", "0007_owner_created_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="contradictionentry",
            index=models.Index(fields=["status", "created_at"], name="ledger_status_created"),
        ),
        RemoveIndexConcurrently(model_name="contradictionentry", name="ledger_status"),
        AddIndexConcurrently(
            model_name="contradictionentry",
            index=models.Index(fields=["contradiction_type", "created_at"], name="ledger_type_created"),
        ),
        AddIndexConcurrently(
            model_name="contradictionentry",
            index=models.Index(fields=["severity", "created_at"], name="ledger_severity_created"),
        ),
        AddIndexConcurrently(
            model_name="contradictionentry",
            index=models.Index(fields=["slot", "created_at"], name="ledger_slot_created"),
        ),
    ]
