"""Append-only ledger, step 3: chain columns become mandatory, full-text search column, and the
database triggers that make both ledger tables append-only.

* ``ledger_contradictionentry``: DELETE is refused; UPDATE is refused unless the only column
  that changes is ``status`` *and* a resolution event for exactly that entry and that new status
  was inserted earlier in the same transaction (the event's AFTER INSERT trigger leaves a
  transaction-local grant ``crt.ledger_status_grant = '<ledger_id>:<status>'`` that the first
  matching UPDATE consumes).
* ``ledger_resolutionevent``: UPDATE and DELETE are refused.

TRUNCATE is not intercepted (Django's test flush uses it); production should grant the
application role only SELECT, INSERT and UPDATE(status) on these tables (docs/LEDGER.md).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

TRIGGERS = r"""
CREATE OR REPLACE FUNCTION ledger_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    granted text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ledger is append-only: DELETE of entry % refused', OLD.ledger_id;
    END IF;
    IF (to_jsonb(NEW) - 'status' - 'search_document') IS DISTINCT FROM
       (to_jsonb(OLD) - 'status' - 'search_document') THEN
        RAISE EXCEPTION 'ledger is append-only: entry % is immutable (only its status changes, through a resolution event)', OLD.ledger_id;
    END IF;
    IF NEW.status IS NOT DISTINCT FROM OLD.status THEN
        RAISE EXCEPTION 'ledger is append-only: UPDATE of entry % changes nothing and is refused', OLD.ledger_id;
    END IF;
    granted := current_setting('crt.ledger_status_grant', true);
    IF granted IS NULL OR granted <> NEW.ledger_id || ':' || NEW.status THEN
        RAISE EXCEPTION 'ledger is append-only: status of entry % changes only with its resolution event in the same transaction', OLD.ledger_id;
    END IF;
    PERFORM set_config('crt.ledger_status_grant', '', true);
    RETURN NEW;
END;
$$;

CREATE TRIGGER ledger_entry_append_only
    BEFORE UPDATE OR DELETE ON ledger_contradictionentry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_guard();

CREATE OR REPLACE FUNCTION ledger_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger is append-only: % of resolution event % refused', TG_OP, OLD.event_id;
END;
$$;

CREATE TRIGGER ledger_event_append_only
    BEFORE UPDATE OR DELETE ON ledger_resolutionevent
    FOR EACH ROW EXECUTE FUNCTION ledger_event_guard();

CREATE OR REPLACE FUNCTION ledger_event_grant_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('crt.ledger_status_grant', NEW.entry_id || ':' || NEW.to_status, true);
    RETURN NULL;
END;
$$;

CREATE TRIGGER ledger_event_grants_status
    AFTER INSERT ON ledger_resolutionevent
    FOR EACH ROW EXECUTE FUNCTION ledger_event_grant_status();
"""

DROP_TRIGGERS = r"""
DROP TRIGGER IF EXISTS ledger_event_grants_status ON ledger_resolutionevent;
DROP TRIGGER IF EXISTS ledger_event_append_only ON ledger_resolutionevent;
DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_contradictionentry;
DROP FUNCTION IF EXISTS ledger_event_grant_status();
DROP FUNCTION IF EXISTS ledger_event_guard();
DROP FUNCTION IF EXISTS ledger_entry_guard();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0004_backfill_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contradictionentry",
            name="seq",
            field=models.BigIntegerField(editable=False, help_text="position in the entry hash chain (1, 2, …)",
                                         unique=True),
        ),
        migrations.AddField(
            model_name="contradictionentry",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector(
                    "slot", "old_value", "new_value", "old_text", "new_text", "summary", "thread_id",
                    config="simple"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="contradictionentry",
            index=models.Index(fields=["owner", "-seq"], name="ledger_owner_seq"),
        ),
        migrations.AddIndex(
            model_name="contradictionentry",
            index=models.Index(fields=["created_at"], name="ledger_created_at"),
        ),
        migrations.AddIndex(
            model_name="contradictionentry",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_document"], name="ledger_search_gin"),
        ),
        migrations.AddConstraint(
            model_name="contradictionentry",
            constraint=models.CheckConstraint(condition=models.Q(("seq__gte", 1)), name="ledger_seq_positive"),
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]
