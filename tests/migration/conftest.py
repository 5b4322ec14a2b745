"""Fixtures of the v0.9 import tests: v0.9 files written by our fixture builder, and the import
command run in-process on the real database (nothing mocked)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from .v09_fixtures import build_v09


@pytest.fixture
def v09(tmp_path):
    """Small realistic v0.9 files with every awkward case (and what a correct import does)."""
    return build_v09(tmp_path / "v09", memories=300, awkward=True, seed=11)


@pytest.fixture
def clean_v09(tmp_path):
    """v0.9 files without awkward rows (no re-embedding needed: fast)."""
    return build_v09(tmp_path / "clean", memories=400, awkward=False, seed=5)


def run_import(files, *extra, owner="alice", rejects=None):
    """``manage.py import_crt_sqlite`` in-process; returns its stdout. Raises CommandError on failure."""
    out = io.StringIO()
    args = ["import_crt_sqlite", "--memory-db", str(files.memory_db), "--ledger-db", str(files.ledger_db),
            "--no-progress", "--defer-vector-index", "never"]
    if owner is not None:
        args += ["--thread-owner", owner]
    args += ["--rejects", str(rejects if rejects is not None else Path(files.memory_db).parent / "rejects.jsonl")]
    call_command(*args, *extra, stdout=out)
    return out.getvalue()


def read_rejects(path: Path) -> dict[tuple[str, str], str]:
    """``{(table, id): code}`` of a rejects file."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        found[(item["table"], item["id"])] = item["code"]
    return found


@pytest.fixture
def officer(client, django_user_model):
    """A logged-in compliance officer (staff, Compliance group) for the admin pages."""
    user = django_user_model.objects.create_user(username="officer", password="pw-officer-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Compliance"))
    client.force_login(django_user_model.objects.get(pk=user.pk))
    return client
