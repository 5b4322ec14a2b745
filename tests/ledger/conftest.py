"""Fixtures of the ledger tests: real entries written through the real services (no mocks)."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import Group

from ledger import services
from ledger.provenance import system_actor
from memory.services import store_memory

_counter = itertools.count()


def make_entry(owner, *, thread_id="t", slot="employer", old="Microsoft", new="Amazon",
               contradiction_type="CONFLICT", severity="MEDIUM", confidence=0.9, drift=0.4, request_id=None):
    """Two memories of ``owner`` and the ledger entry between them, via memory/ledger services."""
    n = next(_counter)
    old_memory = store_memory(owner=owner, thread_id=thread_id, text=f"I work at {old}. ({n}a)")
    new_memory = store_memory(owner=owner, thread_id=thread_id, text=f"I work at {new}. ({n}b)")
    entry, created = services.record_contradiction(
        owner=owner, thread_id=thread_id, memory_a=old_memory, memory_b=new_memory, slot=slot,
        old_value=old, new_value=new, contradiction_type=contradiction_type, severity=severity,
        confidence=confidence, drift=drift, summary=f"{slot}: {old} → {new}",
        evidence={"detector_version": "rules-test", "rule": "slot_conflict", "confidence": confidence,
                  "drift": drift, "old_text": old_memory.text, "new_text": new_memory.text},
        request_id=request_id,
    )
    assert created
    return entry


@pytest.fixture
def entry_factory():
    return make_entry


@pytest.fixture
def compliance_user(django_user_model):
    officer = django_user_model.objects.create_user(username="officer", password="pw-officer-123", is_staff=True)
    officer.groups.add(Group.objects.get(name="Compliance"))
    return django_user_model.objects.get(pk=officer.pk)  # fresh instance: no cached permissions


@pytest.fixture
def worker_actor():
    return system_actor(name="test-worker")
