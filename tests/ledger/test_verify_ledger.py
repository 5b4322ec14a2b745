"""``manage.py verify_ledger`` on the real database: a clean ledger verifies; a row tampered with
in SQL (triggers bypassed, as a database owner could) is named."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ledger import services
from ledger.provenance import system_actor

pytestmark = pytest.mark.django_db


def _as_database_owner(sql, params):
    """Bypass the append-only triggers the way a privileged attacker would."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def _run(capsys):
    call_command("verify_ledger", "--no-progress")
    return capsys.readouterr()


def test_a_clean_ledger_verifies(user, entry_factory, capsys):
    entries = [entry_factory(user) for _ in range(3)]
    services.resolve_entry(owner=user, ledger_id=entries[0].pk, action="keep_new", actor=system_actor(name="t"))
    out = _run(capsys).out
    assert "OK" in out and "contradiction_entry: 3 rows checked" in out and "resolution_event: 1 rows" in out


def test_a_value_changed_in_sql_is_named_by_verify_ledger(user, entry_factory, capsys):
    entries = [entry_factory(user) for _ in range(4)]
    victim = entries[2]
    _as_database_owner("UPDATE ledger_contradictionentry SET new_value = 'Google' WHERE ledger_id = %s", [victim.pk])

    with pytest.raises(CommandError, match=victim.pk):
        _run(capsys)
    assert f"entry {victim.pk} (seq 3)" in capsys.readouterr().err


def test_a_deleted_row_is_named_as_a_gap(user, entry_factory, capsys):
    entries = [entry_factory(user) for _ in range(3)]
    _as_database_owner("DELETE FROM ledger_contradictionentry WHERE ledger_id = %s", [entries[1].pk])

    with pytest.raises(CommandError, match=f"{entries[2].pk}.*seq_gap"):
        _run(capsys)


def test_a_tampered_event_is_named(user, entry_factory, capsys):
    entry = entry_factory(user)
    event = services.resolve_entry(owner=user, ledger_id=entry.pk, action="dismiss", actor=system_actor(name="t"))
    _as_database_owner("UPDATE ledger_resolutionevent SET actor_name = 'someone else' WHERE event_id = %s",
                       [event.pk])

    with pytest.raises(CommandError, match=event.pk):
        _run(capsys)


def test_a_status_forced_without_an_event_is_named(user, entry_factory, capsys):
    entry = entry_factory(user)
    _as_database_owner("UPDATE ledger_contradictionentry SET status = 'resolved' WHERE ledger_id = %s", [entry.pk])

    with pytest.raises(CommandError, match=f"{entry.pk}.*status_mismatch"):
        _run(capsys)
