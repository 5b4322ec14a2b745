"""The v0.9-compatible ledger paths existing clients use (shapes in shared/NOTES.md)."""

import pytest

from ledger.models import ContradictionEntry, ResolutionEvent

pytestmark = pytest.mark.django_db


def test_v09_list_keeps_its_shape_and_limit(api, user, entry_factory):
    entries = [entry_factory(user) for _ in range(3)]
    body = api.get("/api/contradictions", {"thread_id": "t", "limit": 2}).json()
    items = body["contradictions"]
    assert [i["ledger_id"] for i in items] == [entries[2].pk, entries[1].pk]
    for key in ("ledger_id", "timestamp", "status", "contradiction_type", "drift_mean", "confidence_delta", "summary",
                "query", "old_memory_id", "new_memory_id", "slot", "old_value", "new_value", "old_trust",
                "new_trust", "policy", "confidence"):
        assert key in items[0]
    assert api.get("/api/contradictions", {"limit": 501}).status_code == 400


def test_ledger_open_lists_unresolved_conflicts_but_not_refinements(api, user, entry_factory):
    conflict = entry_factory(user)
    entry_factory(user, contradiction_type="REFINEMENT", slot="location", old="Bay Area", new="Mountain View")
    settled = entry_factory(user)
    api.post(f"/api/contradictions/{settled.pk}/resolve/", {"action": "keep_both"}, format="json")
    body = api.get("/api/ledger/open", {"thread_id": "t"}).json()
    assert body["thread_id"] == "t" and body["count"] == 1
    assert [i["ledger_id"] for i in body["contradictions"]] == [conflict.pk]


def test_next_asked_respond_cycle(api, user, entry_factory):
    low = entry_factory(user, severity="LOW")
    high = entry_factory(user, severity="HIGH", slot="employer", old="Microsoft", new="Amazon")

    nxt = api.get("/api/contradictions/next", {"thread_id": "t"}).json()
    assert nxt["has_item"] and nxt["item"]["ledger_id"] == high.pk
    assert nxt["item"]["ask_count"] == 0 and nxt["item"]["next_action"] == "ask_user"
    assert "Microsoft" in nxt["item"]["suggested_question"] and "Amazon" in nxt["item"]["suggested_question"]

    asked = api.post("/api/contradictions/asked", {"thread_id": "t", "ledger_id": high.pk}, format="json").json()
    assert asked == {"ok": True, "thread_id": "t", "ledger_id": high.pk, "recorded": True, "ask_count": 1}
    again = api.get("/api/contradictions/next", {"thread_id": "t"}).json()["item"]
    assert again["ledger_id"] == high.pk and again["ask_count"] == 1 and again["status"] == "asked"

    answered = api.post("/api/contradictions/respond", {"thread_id": "t", "ledger_id": high.pk,
                                                        "answer": "Amazon, I switched", "resolve": True,
                                                        "resolution_method": "keep_new"}, format="json").json()
    assert answered == {"ok": True, "thread_id": "t", "ledger_id": high.pk, "recorded": True, "status": "resolved"}
    actions = list(ResolutionEvent.objects.filter(entry=high).values_list("action", "via"))
    assert actions == [("asked", "api-v0.9"), ("answered", "api-v0.9"), ("keep_new", "api-v0.9")]
    assert api.get("/api/contradictions/next", {"thread_id": "t"}).json()["item"]["ledger_id"] == low.pk


def test_respond_with_an_unknown_v09_method_records_it_verbatim(api, user, entry_factory):
    entry = entry_factory(user)
    api.post("/api/contradictions/respond", {"thread_id": "t", "ledger_id": entry.pk, "answer": "both are old",
                                             "resolve": True, "resolution_method": "user_clarified",
                                             "new_status": "resolved"}, format="json")
    event = ResolutionEvent.objects.get(entry=entry, action="resolve")
    assert (event.method, event.to_status) == ("user_clarified", "resolved")


def test_ledger_resolve_by_chosen_memory(api, user, entry_factory):
    entry = entry_factory(user)
    body = api.post("/api/ledger/resolve", {"ledger_id": entry.pk, "chosen_memory_id": entry.memory_a_id,
                                            "user_feedback": "still there"}, format="json").json()
    assert body["ok"] and body["status"] == "resolved"
    event = ResolutionEvent.objects.get(pk=body["event_id"])
    assert (event.action, event.chosen_memory_id, event.note) == ("keep_old", entry.memory_a_id, "still there")


def test_v09_bad_bodies_answer_400_naming_the_field(api, user, entry_factory):
    entry = entry_factory(user)
    cases = [
        ("/api/contradictions/asked", {"thread_id": "t"}, "ledger_id"),
        ("/api/contradictions/asked", {"thread_id": "other", "ledger_id": entry.pk}, "thread_id"),
        ("/api/contradictions/respond", {"ledger_id": entry.pk, "thread_id": "t", "resolve": "yes"}, "resolve"),
        ("/api/ledger/resolve", {"ledger_id": entry.pk}, "resolution_method"),
        ("/api/ledger/resolve", {"ledger_id": entry.pk, "chosen_memory_id": "mem_nope"}, "chosen_memory_id"),
    ]
    for url, body, field in cases:
        response = api.post(url, body, format="json")
        assert response.status_code == 400 and field in response.json()["errors"], (url, response.json())
    assert not ResolutionEvent.objects.exists()
    assert ContradictionEntry.objects.get(pk=entry.pk).status == "open"


def test_asking_about_a_settled_entry_is_a_409(api, user, entry_factory):
    entry = entry_factory(user)
    api.post(f"/api/contradictions/{entry.pk}/resolve/", {"action": "dismiss"}, format="json")
    response = api.post("/api/contradictions/asked", {"thread_id": "t", "ledger_id": entry.pk}, format="json")
    assert response.status_code == 409 and "ledger_id" in response.json()["errors"]


def test_resolved_contradictions_are_no_longer_disclosed_in_chat(api, user, entry_factory):
    from ledger import selectors

    entry = entry_factory(user)
    assert selectors.unresolved_counts(owner=user, thread_id="t") == (1, 1)
    api.post(f"/api/contradictions/{entry.pk}/resolve/", {"action": "keep_new"}, format="json")
    assert selectors.unresolved_counts(owner=user, thread_id="t") == (0, 0)
    assert selectors.unresolved_memory_ids(owner=user, thread_id="t") == set()
