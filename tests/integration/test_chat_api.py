"""The HTTP API on the real database: valid input, bad input, authentication, ownership."""

import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from detection.models import DetectionJob
from memory.models import Fact, Memory

pytestmark = pytest.mark.django_db


def send(api, body, **extra):
    return api.post("/api/chat/send", data=json.dumps(body), content_type="application/json", **extra)


def test_health_needs_no_credentials():
    response = APIClient().get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_chat_send_requires_authentication():
    response = APIClient().post("/api/chat/send", {"message": "hi"}, format="json")
    assert response.status_code in (401, 403)
    assert Memory.objects.count() == 0


def test_token_authentication_works(user):
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/memory/recent").status_code == 200


def test_statement_is_stored_with_facts_and_a_pending_detection_job(api, user):
    response = send(api, {"thread_id": "t1", "message": "I work at Microsoft."})

    assert response.status_code == 200
    body = response.json()
    metadata = body["metadata"]
    memory = Memory.objects.get(memory_id=metadata["memory_id"])
    assert memory.owner == user and memory.thread_id == "t1" and memory.text == "I work at Microsoft."
    assert [(f.slot, f.value) for f in Fact.objects.filter(memory=memory)] == [("employer", "Microsoft")]
    job = DetectionJob.objects.get(job_id=metadata["detection_job_id"])
    assert job.memory == memory and job.status == "pending"
    assert metadata["detection_status"] == "pending"
    assert metadata["contradiction_detected"] is False
    for key in ("answer", "response_type", "gates_passed", "gate_reason", "session_id"):
        assert key in body
    for key in ("mode", "confidence", "unresolved_contradictions_total", "unresolved_hard_conflicts",
                "retrieved_memories", "prompt_memories", "reintroduced_claims_count", "learned_suggestions",
                "heuristic_suggestions"):
        assert key in metadata


def test_thread_id_defaults_to_default(api):
    response = send(api, {"message": "hello"})
    assert response.json()["metadata"]["thread_id"] == "default"


def test_question_is_answered_from_the_threads_facts(api):
    send(api, {"thread_id": "t", "message": "I work at Microsoft."})
    send(api, {"thread_id": "other", "message": "I work at Google."})

    body = send(api, {"thread_id": "t", "message": "Where do I work?"}).json()

    assert "Microsoft" in body["answer"] and "Google" not in body["answer"]
    assert body["response_type"] == "belief"
    assert [m["text"] for m in body["metadata"]["retrieved_memories"]] == ["I work at Microsoft."]


def test_wait_ms_returns_within_the_bound_when_no_worker_runs(api):
    # db fixture: the transaction never commits, so the job is never published.
    response = send(api, {"thread_id": "t", "message": "I live in Oslo."}, QUERY_STRING="wait_ms=100")
    assert response.status_code == 200
    assert response.json()["metadata"]["detection_status"] == "pending"


BAD_BODIES = [
    ({}, "message"),
    ({"message": ""}, "message"),
    ({"message": "   "}, "message"),
    ({"message": 42}, "message"),
    ({"message": ["a"]}, "message"),
    ({"message": "x" * 10_001}, "message"),
    ({"message": "hi", "thread_id": 7}, "thread_id"),
    ({"message": "hi", "thread_id": ""}, "thread_id"),
    ({"message": "hi", "thread_id": "t" * 65}, "thread_id"),
    ({"message": "hi", "user_marked_important": "yes"}, "user_marked_important"),
    ({"message": "hi", "mode": {"a": 1}}, "mode"),
    (["message", "hi"], "body"),
]


@pytest.mark.parametrize("body,field", BAD_BODIES)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api, body, field):
    response = send(api, body)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Memory.objects.count() == 0 and DetectionJob.objects.count() == 0


def test_malformed_json_is_a_400_naming_the_body(api):
    response = api.post("/api/chat/send", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert Memory.objects.count() == 0


@pytest.mark.parametrize("wait", ["-1", "5001", "soon"])
def test_bad_wait_ms_is_a_400_naming_it(api, wait):
    response = send(api, {"message": "hi"}, QUERY_STRING=f"wait_ms={wait}")
    assert response.status_code == 400
    assert "wait_ms" in response.json()["errors"]
    assert Memory.objects.count() == 0


def test_a_message_of_exactly_10000_characters_is_accepted(api):
    assert send(api, {"message": "a" * 10_000}).status_code == 200


def test_memory_endpoints_show_only_the_callers_memories(api, other_user):
    mine = send(api, {"thread_id": "t", "message": "I live in Oslo."}).json()["metadata"]["memory_id"]
    theirs = Memory.objects.create(owner=other_user, thread_id="t", text="I live in Rome.")

    recent = api.get("/api/memory/recent", {"thread_id": "t"}).json()["memories"]
    assert [m["memory_id"] for m in recent] == [mine]
    assert api.get(f"/api/memory/{mine}").status_code == 200
    assert api.get(f"/api/memory/{mine}").json()["facts"] == [{"slot": "location", "value": "Oslo", "negated": False}]
    assert api.get(f"/api/memory/{theirs.memory_id}").status_code == 404


def test_single_user_mode_maps_anonymous_requests_to_the_configured_user(settings, django_user_model):
    settings.CRT_SINGLE_USER = "local"
    response = APIClient().post("/api/chat/send", {"message": "I live in Oslo."}, format="json")
    assert response.status_code == 200
    assert Memory.objects.get().owner == django_user_model.objects.get(username="local")


def test_contradictions_list_requires_authentication():
    assert APIClient().get("/api/contradictions").status_code in (401, 403)
