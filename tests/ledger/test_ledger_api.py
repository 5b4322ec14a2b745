"""The enterprise ledger API on the real database: filters, cursor pagination, detail, resolve and
undo (with their trust effects and events), error bodies, and the OpenAPI schema."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ledger.models import ContradictionEntry, ResolutionEvent
from ledger.verification import verify_chains
from memory.models import Memory

pytestmark = pytest.mark.django_db


def ids(response):
    return [item["ledger_id"] for item in response.json()["results"]]


def test_list_is_newest_first_and_filters_by_thread_status_type_severity_slot(api, user, entry_factory):
    a = entry_factory(user, thread_id="work", contradiction_type="CONFLICT", severity="HIGH")
    b = entry_factory(user, thread_id="work", slot="location", old="Oslo", new="Bergen", contradiction_type="TEMPORAL")
    c = entry_factory(user, thread_id="home", contradiction_type="DENIAL", severity="LOW")
    api.post(f"/api/contradictions/{c.pk}/resolve/", {"action": "dismiss"}, format="json")

    assert ids(api.get("/api/contradictions/")) == [c.pk, b.pk, a.pk]
    assert ids(api.get("/api/contradictions/", {"thread_id": "work"})) == [b.pk, a.pk]
    assert ids(api.get("/api/contradictions/", {"status": "dismissed"})) == [c.pk]
    assert ids(api.get("/api/contradictions/?status=open&status=dismissed")) == [c.pk, b.pk, a.pk]
    assert ids(api.get("/api/contradictions/", {"type": "TEMPORAL"})) == [b.pk]
    assert ids(api.get("/api/contradictions/", {"severity": "HIGH"})) == [a.pk]
    assert ids(api.get("/api/contradictions/", {"slot": "location"})) == [b.pk]
    assert ids(api.get("/api/contradictions/", {"memory_id": a.memory_b_id})) == [a.pk]


def test_text_search_matches_values_and_statement_texts(api, user, entry_factory):
    seattle = entry_factory(user, slot="location", old="Portland", new="Seattle")
    entry_factory(user, old="Microsoft", new="Amazon")
    assert ids(api.get("/api/contradictions/", {"q": "seattle"})) == [seattle.pk]
    assert ids(api.get("/api/contradictions/", {"q": "portland seattle"})) == [seattle.pk]
    assert ids(api.get("/api/contradictions/", {"q": "work"})) != []  # statement texts: "I work at ..."
    assert ids(api.get("/api/contradictions/", {"q": "nowhere-at-all"})) == []


def test_date_range_filters_on_detection_time(api, user, entry_factory):
    entry = entry_factory(user)
    day = entry.created_at.date()
    assert ids(api.get("/api/contradictions/", {"since": day.isoformat()})) == [entry.pk]
    assert ids(api.get("/api/contradictions/", {"until": day.isoformat()})) == []
    tomorrow = (day + dt.timedelta(days=1)).isoformat()
    assert ids(api.get("/api/contradictions/", {"since": day.isoformat(), "until": tomorrow})) == [entry.pk]


def test_cursor_pagination_walks_every_entry_once(api, user, entry_factory):
    made = [entry_factory(user).pk for _ in range(7)]
    seen, url = [], "/api/contradictions/?limit=3"
    while url:
        body = api.get(url).json()
        assert len(body["results"]) <= 3
        seen += [item["ledger_id"] for item in body["results"]]
        url = body["next"]
    assert seen == list(reversed(made))


@pytest.mark.parametrize("query, field", [
    ({"status": "closed"}, "status"), ({"type": "NOPE"}, "type"), ({"since": "yesterday"}, "since"),
    ({"limit": "0"}, "limit"), ({"limit": "many"}, "limit"), ({"cursor": "garbage"}, "cursor"),
    ({"min_confidence": "2"}, "min_confidence"),
])
def test_bad_filters_answer_400_naming_the_field(api, user, entry_factory, query, field):
    entry_factory(user)
    response = api.get("/api/contradictions/", query)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


def test_detail_shows_both_memories_trust_provenance_and_events(api, user, entry_factory):
    entry = entry_factory(user)
    api.post("/api/contradictions/asked", {"thread_id": "t", "ledger_id": entry.pk}, format="json")
    body = api.get(f"/api/contradictions/{entry.pk}/").json()

    assert body["old_memory"]["memory_id"] == entry.memory_a_id and "Microsoft" in body["old_memory"]["text"]
    assert body["new_memory"]["memory_id"] == entry.memory_b_id and "trust" in body["new_memory"]
    assert body["provenance"]["recorded_by"] == "detection-worker"
    assert body["row_hash"] == entry.row_hash and body["seq"] == entry.seq
    assert [e["action"] for e in body["events"]] == ["asked"]
    assert body["events"][0]["actor_name"] == "alice" and body["events"][0]["via"] == "api-v0.9"


def test_resolve_keep_new_records_an_event_and_confirms_the_new_memory(api, user, entry_factory):
    entry = entry_factory(user, drift=0.4)
    new_trust = Memory.objects.get(pk=entry.memory_b_id).trust

    response = api.post(f"/api/contradictions/{entry.pk}/resolve/", {"action": "keep_new", "note": "moved jobs"},
                        format="json", HTTP_X_REQUEST_ID="req-abc-1", HTTP_USER_AGENT="pytest-client")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "resolved" and response["X-Request-ID"] == "req-abc-1"
    event = ResolutionEvent.objects.get(entry=entry)
    assert (event.action, event.from_status, event.to_status, event.note) == ("keep_new", "open", "resolved",
                                                                              "moved jobs")
    assert (event.actor_id, event.request_id, event.user_agent) == (user.pk, "req-abc-1", "pytest-client")
    assert Memory.objects.get(pk=entry.memory_b_id).trust == pytest.approx(new_trust + 0.1 * (1 - 0.4))
    assert ContradictionEntry.objects.get(pk=entry.pk).status == "resolved"


def test_resolving_twice_is_a_409_and_undo_restores_status_and_trust(api, user, entry_factory):
    entry = entry_factory(user, drift=0.5)
    trust_before = {m.pk: m.trust for m in Memory.objects.filter(pk__in=[entry.memory_a_id, entry.memory_b_id])}
    assert api.post(f"/api/contradictions/{entry.pk}/resolve/", {"action": "keep_old"}, format="json").status_code == 200

    again = api.post(f"/api/contradictions/{entry.pk}/resolve/", {"action": "dismiss"}, format="json")
    assert again.status_code == 409 and "action" in again.json()["errors"]

    undone = api.post(f"/api/contradictions/{entry.pk}/undo/", {}, format="json")
    assert undone.status_code == 200 and undone.json()["status"] == "open"
    assert [e["action"] for e in undone.json()["events"]] == ["keep_old", "undo"]
    trust_after = {m.pk: m.trust for m in Memory.objects.filter(pk__in=trust_before)}
    assert trust_after == pytest.approx(trust_before)
    nothing = api.post(f"/api/contradictions/{entry.pk}/undo/", {}, format="json")
    assert nothing.status_code == 409
    assert verify_chains().ok


@pytest.mark.parametrize("body, field", [({}, "action"), ({"action": "delete"}, "action"),
                                         ({"action": "dismiss", "note": 5}, "note")])
def test_bad_resolve_bodies_answer_400_and_record_nothing(api, user, entry_factory, body, field):
    entry = entry_factory(user)
    response = api.post(f"/api/contradictions/{entry.pk}/resolve/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not ResolutionEvent.objects.exists()


def test_malformed_json_answers_400(api, user, entry_factory):
    entry = entry_factory(user)
    response = api.post(f"/api/contradictions/{entry.pk}/resolve/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "body" in response.json()["errors"]


def test_openapi_schema_and_docs_page_need_a_login(api):
    assert APIClient().get("/api/schema/").status_code in (401, 403)
    schema = api.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for expected in ("/api/contradictions/", "/api/contradictions/{ledger_id}/",
                     "/api/contradictions/{ledger_id}/resolve/", "/api/contradictions/export"):
        assert expected in paths
    parameters = {p["name"] for p in paths["/api/contradictions/"]["get"]["parameters"]}
    assert {"thread_id", "status", "type", "severity", "slot", "since", "until", "q", "cursor", "limit"} <= parameters


def test_docs_page_renders_for_a_logged_in_user(client, user):
    assert client.get("/api/docs/").status_code in (401, 403)
    client.force_login(user)
    page = client.get("/api/docs/")
    assert page.status_code == 200 and b"swagger" in page.content.lower()
