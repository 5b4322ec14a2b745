"""An import killed with SIGKILL in the middle resumes after its last committed batch: a real
``manage.py import_crt_sqlite`` child process on the test database, killed, then run again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError

from detection.engine import extract_facts, is_question
from memory.models import Fact, ImportRun, Memory
from memory.v09import.importer import vector_index_state

from .conftest import run_import
from .v09_fixtures import build_v09

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def expected_facts(memory_db: Path) -> int:
    conn = sqlite3.connect(memory_db)
    return sum(len(extract_facts(text)) for (text,) in conn.execute("SELECT text FROM memories")
               if not is_question(text))


def test_a_killed_import_resumes_without_duplicates_and_rebuilds_the_vector_index(tmp_path, django_user_model):
    from tests.conftest import database_url_for_subprocess

    files = build_v09(tmp_path / "v09", memories=6000, awkward=False, seed=2)
    django_user_model.objects.create_user(username="alice")
    total = files.expected.rows["memories"]
    log = open(tmp_path / "import.log", "wb")
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "DJANGO_SETTINGS_MODULE": "crtproject.settings"}
    child = subprocess.Popen(
        [sys.executable, "manage.py", "import_crt_sqlite", "--memory-db", str(files.memory_db), "--ledger-db",
         str(files.ledger_db), "--thread-owner", "alice", "--batch-size", "100", "--defer-vector-index", "always",
         "--no-progress", "--rejects", str(tmp_path / "rejects.jsonl")], cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            run = ImportRun.objects.first()
            if run and run.counts.get("memories", {}).get("imported", 0) >= 300:
                break
            assert child.poll() is None, (tmp_path / "import.log").read_text()
            time.sleep(0.05)
        else:
            pytest.fail("the import made no progress:\n" + (tmp_path / "import.log").read_text())
        with pytest.raises(CommandError, match="Another import_crt_sqlite is running"):
            run_import(files, "--lock-timeout", "0")
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        log.close()

    run = ImportRun.objects.get()
    committed = Memory.objects.count()
    assert run.status == "running" and 0 < committed < total
    assert committed == run.counts["memories"]["imported"]  # rows and resume state commit together
    assert vector_index_state() == "absent"  # dropped for the load, not rebuilt yet

    out = run_import(files, "--batch-size", "100")
    assert "Resuming import" in out and "(resumed)" in out and "Verification passed" in out
    assert "rebuilt in" in out and vector_index_state() == "valid"
    run.refresh_from_db()
    assert run.attempts == 2 and run.status == "completed" and ImportRun.objects.count() == 1
    assert Memory.objects.count() == total
    assert Fact.objects.count() == expected_facts(files.memory_db)  # no batch was written twice


def test_a_second_run_of_an_imported_file_keeps_the_vector_index(tmp_path, django_user_model, monkeypatch):
    """The bulk-load index drop counts only memories not yet imported from this file: an idempotent
    re-run imports nothing, so it must not drop (and spend minutes rebuilding) the HNSW index."""
    from memory.v09import import importer

    monkeypatch.setattr(importer, "DEFER_INDEX_MIN_ROWS", 10)  # the fixture is small; the rule is the same
    files = build_v09(tmp_path / "v09", memories=200, awkward=False, seed=4)
    django_user_model.objects.create_user(username="alice")

    first = run_import(files, "--defer-vector-index", "auto")
    assert "Dropped the HNSW index" in first and "rebuilt in" in first and vector_index_state() == "valid"

    second = run_import(files, "--defer-vector-index", "auto")
    assert "Dropped the HNSW index" not in second and "Verification passed" in second
    assert vector_index_state() == "valid"
    assert Memory.objects.count() == files.expected.rows["memories"]
