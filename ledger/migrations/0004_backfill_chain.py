"""Append-only ledger, step 2: give entries written before the chain existed their provenance
snapshot (statement texts, detector version) and their place in the hash chain, oldest first."""

from django.db import migrations

from ledger import chain


def backfill(apps, schema_editor):
    Entry = apps.get_model("ledger", "ContradictionEntry")
    Memory = apps.get_model("memory", "Memory")
    prev_hash = chain.GENESIS_HASH
    for seq, entry in enumerate(Entry.objects.order_by("timestamp", "ledger_id").iterator(), start=1):
        texts = dict(Memory.objects.filter(memory_id__in=[entry.memory_a_id, entry.memory_b_id])
                     .values_list("memory_id", "text"))
        entry.old_text = texts.get(entry.memory_a_id, "")
        entry.new_text = texts.get(entry.memory_b_id, "")
        entry.detector_version = str((entry.evidence or {}).get("detector_version", ""))[:32]
        entry.recorded_by = "detection-worker"
        entry.seq = seq
        entry.prev_hash = prev_hash
        fields = {name: getattr(entry, name) for name in chain.ENTRY_HASHED_FIELDS}
        entry.row_hash = chain.entry_hash(seq=seq, prev_hash=prev_hash, fields=fields)
        entry.save()
        prev_hash = entry.row_hash


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0003_append_only_schema"),
        ("memory", "0002_memory_fact"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
