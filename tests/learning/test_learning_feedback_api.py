"""The feedback API (v0.9 paths) on the real database: valid input, bad input (400 naming the
field, nothing written), ownership, corrections applied as memories, stats and the A/B report."""

import json

import pytest
from rest_framework.test import APIClient

from detection.models import DetectionJob
from learning.models import Feedback
from memory.models import Fact, Memory
from memory.services import store_memory

pytestmark = pytest.mark.django_db


def post(api, path, body):
    return api.post(path, data=json.dumps(body), content_type="application/json")


def chat(api, message, thread_id="t"):
    response = post(api, "/api/chat/send", {"thread_id": thread_id, "message": message})
    assert response.status_code == 200
    return response.json()["metadata"]


def assert_bad_request(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["errors"], body
    assert body["detail"]


def test_thumbs_up_on_an_answer_is_stored_and_a_second_vote_replaces_it(api, user):
    metadata = chat(api, "Where do I work?")
    first = post(api, "/api/feedback/thumbs", {"memory_id": metadata["memory_id"],
                                               "interaction_id": metadata["interaction_id"], "rating": "up"})
    assert first.status_code == 201 and first.json()["rating"] == 1
    second = post(api, "/api/feedback/thumbs", {"memory_id": metadata["memory_id"], "rating": -1})
    assert second.status_code == 201
    votes = Feedback.objects.filter(owner=user, kind="thumbs")
    assert [(v.rating, v.interaction_request_id) for v in votes] == [(-1, metadata["interaction_id"])]


@pytest.mark.parametrize("body, field", [
    ({"rating": "up"}, "memory_id"),
    ({"memory_id": "mem_x", "rating": "sideways"}, "rating"),
    ({"memory_id": "mem_x", "rating": True}, "rating"),
    ({"memory_id": 123, "rating": "up"}, "memory_id"),
    ({"memory_id": "mem_does_not_exist", "rating": "up"}, "memory_id"),
    ({"memory_id": "mem_x", "rating": "up", "comment": "x" * 2001}, "comment"),
])
def test_thumbs_bad_input_is_a_400_naming_the_field(api, body, field):
    assert_bad_request(post(api, "/api/feedback/thumbs", body), field)
    assert Feedback.objects.count() == 0


def test_feedback_on_another_users_memory_is_refused(api, other_user):
    theirs = store_memory(owner=other_user, thread_id="t", text="I live in Oslo.")
    assert_bad_request(post(api, "/api/feedback/thumbs", {"memory_id": theirs.memory_id, "rating": "up"}), "memory_id")
    assert_bad_request(post(api, "/api/feedback/confirm", {"memory_id": theirs.memory_id, "slot": "location",
                                                           "confirmed": False}), "memory_id")
    assert Feedback.objects.count() == 0


def test_malformed_json_is_a_400_and_stores_nothing(api):
    response = api.post("/api/feedback/report", data="{not json", content_type="application/json")
    assert_bad_request(response, "body")
    assert Feedback.objects.count() == 0


def test_feedback_needs_authentication():
    response = APIClient().post("/api/feedback/thumbs", {"memory_id": "m", "rating": "up"}, format="json")
    assert response.status_code in (401, 403)


def test_a_text_correction_is_applied_as_a_new_memory_with_a_detection_job(api, user):
    metadata = chat(api, "My name is Jordan.")
    response = post(api, "/api/feedback/correction", {"memory_id": metadata["memory_id"],
                                                      "text": "Actually, my name is Jordon."})
    assert response.status_code == 201, response.content
    applied = response.json()["applied"]
    memory = Memory.objects.get(memory_id=applied["memory_id"])
    assert memory.source == "correction" and memory.thread_id == "t" and memory.owner == user
    assert [(f.slot, f.value) for f in Fact.objects.filter(memory=memory)] == [("name", "Jordon")]
    assert DetectionJob.objects.filter(memory=memory, job_id=applied["detection_job_id"]).exists()
    feedback = Feedback.objects.get(kind="correction")
    assert feedback.applied_memory_id == memory.memory_id and feedback.slot == "name"
    assert feedback.context["extracted_fact"]["value"] == "Jordan"  # the fact it replaced: a negative label


def test_a_structured_correction_builds_a_statement_the_extractor_reads_back(api):
    response = post(api, "/api/feedback/correction", {"thread_id": "t2", "slot": "employer", "value": "Amazon"})
    assert response.status_code == 201, response.content
    assert response.json()["applied"]["facts"] == [{"slot": "employer", "value": "Amazon", "negated": False}]


@pytest.mark.parametrize("body, field", [
    ({}, "text"),
    ({"slot": "employer"}, "value"),
    ({"slot": "favourite_colour", "value": "blue"}, "slot"),
    ({"text": "Actually I'm 40", "slot": "age", "value": "40"}, "slot"),
    ({"text": 42}, "text"),
    ({"thread_id": "x" * 65, "text": "I live in Rome."}, "thread_id"),
])
def test_correction_bad_input_is_a_400_naming_the_field(api, body, field):
    assert_bad_request(post(api, "/api/feedback/correction", body), field)
    assert Memory.objects.count() == 0 and Feedback.objects.count() == 0


def test_report_is_stored_and_a_bad_category_is_refused(api):
    metadata = chat(api, "I live in Paris.")
    ok = post(api, "/api/feedback/report", {"memory_id": metadata["memory_id"], "category": "wrong_fact",
                                            "comment": "You stored the wrong city; mail me at a@b.io"})
    assert ok.status_code == 201
    stored = Feedback.objects.get(kind="report")
    assert "a@b.io" not in stored.comment and "<EMAIL:" in stored.comment
    assert_bad_request(post(api, "/api/feedback/report", {"category": "rude", "comment": "x"}), "category")
    assert_bad_request(post(api, "/api/feedback/report", {"category": "other", "comment": ""}), "comment")
    assert_bad_request(post(api, "/api/feedback/report", {"category": "false_contradiction", "comment": "no",
                                                          "ledger_id": "led_nope"}), "ledger_id")
    assert Feedback.objects.count() == 1


def test_confirming_a_fact_raises_its_trust(api):
    metadata = chat(api, "I live in Lisbon.")
    before = Memory.objects.get(memory_id=metadata["memory_id"]).trust
    response = post(api, "/api/feedback/confirm", {"memory_id": metadata["memory_id"], "slot": "location",
                                                   "confirmed": True})
    assert response.status_code == 201 and response.json()["applied"] is None
    assert Memory.objects.get(memory_id=metadata["memory_id"]).trust == pytest.approx(before + 0.1)
    assert Feedback.objects.get(kind="confirmation").context["extracted_fact"]["value"] == "Lisbon"


def test_rejecting_a_fact_retracts_it_with_a_denial(api):
    metadata = chat(api, "I live in Narnia.")
    response = post(api, "/api/feedback/confirm", {"memory_id": metadata["memory_id"], "slot": "location",
                                                   "confirmed": False})
    assert response.status_code == 201, response.content
    applied = response.json()["applied"]
    assert applied["facts"] == [{"slot": "location", "value": "Narnia", "negated": True}]
    assert Feedback.objects.get(kind="confirmation").confirmed is False


def test_rejecting_with_a_value_applies_the_correction(api):
    metadata = chat(api, "I work at Googel.")
    response = post(api, "/api/feedback/confirm", {"memory_id": metadata["memory_id"], "slot": "employer",
                                                   "confirmed": False, "value": "Google"})
    assert response.json()["applied"]["facts"] == [{"slot": "employer", "value": "Google", "negated": False}]


@pytest.mark.parametrize("body, field", [
    ({"slot": "location", "confirmed": True}, "memory_id"),
    ({"memory_id": "m", "slot": "location", "confirmed": "yes"}, "confirmed"),
    ({"memory_id": "m", "slot": "location", "confirmed": True, "kind": "vibes"}, "kind"),
    ({"memory_id": "m", "slot": "location", "confirmed": True, "value": "Rome"}, "value"),
])
def test_confirm_bad_input_is_a_400_naming_the_field(api, body, field):
    assert_bad_request(post(api, "/api/feedback/confirm", body), field)


def test_confirming_a_slot_the_memory_does_not_state_is_refused(api):
    metadata = chat(api, "I live in Lisbon.")
    assert_bad_request(post(api, "/api/feedback/confirm", {"memory_id": metadata["memory_id"], "slot": "employer",
                                                           "confirmed": True}), "slot")


def test_stats_count_the_callers_feedback_and_dismissed_contradictions(api, user, other_user):
    from detection.services import create_detection_job, run_detection_job
    from ledger.models import ContradictionEntry, EventAction
    from ledger.provenance import system_actor
    from ledger.services import resolve_entry

    for text in ("I work at Microsoft.", "I work at Amazon."):
        memory = store_memory(owner=user, thread_id="t", text=text)
        run_detection_job(job_id=create_detection_job(memory=memory).job_id)
    entry = ContradictionEntry.objects.get(owner=user)
    resolve_entry(owner=user, ledger_id=entry.ledger_id, action=EventAction.DISMISS, actor=system_actor(name="test"))
    metadata = chat(api, "Where do I work?")
    post(api, "/api/feedback/thumbs", {"memory_id": metadata["memory_id"], "rating": "up"})
    other = store_memory(owner=other_user, thread_id="t", text="I live in Oslo.")
    Feedback.objects.create(owner=other_user, kind="thumbs", ab_arm="rules", memory_id=other.memory_id, rating=-1)

    stats = api.get("/api/feedback/stats").json()

    assert stats["thumbs"] == {"up": 1, "down": 0, "up_rate": 1.0}
    assert stats["false_positives"]["dismissed_contradictions"] == 1
    assert stats["total"] == 1
    assert api.get("/api/feedback/stats?scope=all").status_code == 403
    assert_bad_request(api.get("/api/feedback/stats?scope=everyone"), "scope")


def test_ab_report_compares_the_arms_for_staff_only(api, django_user_model, user):
    assert api.get("/api/learning/ab-report").status_code == 403
    staff = django_user_model.objects.create_user("ops", password="pw-ops-12345", is_staff=True)
    for rating, arm in ((1, "learned"), (1, "learned"), (-1, "rules"), (1, "rules")):
        memory = store_memory(owner=user, thread_id="t", text=f"I like tea {rating} {arm} {Memory.objects.count()}")
        Feedback.objects.create(owner=user, kind="thumbs", ab_arm=arm, memory_id=memory.memory_id, rating=rating)
    client = APIClient()
    client.force_authenticate(staff)

    report = client.get("/api/learning/ab-report").json()

    assert report["arms"]["learned"]["thumbs_up_rate"] == 1.0
    assert report["arms"]["rules"]["thumbs_up_rate"] == 0.5
    assert report["comparison"]["learned_minus_rules"] == pytest.approx(0.5)
    assert report["comparison"]["p_value"] is not None


def test_ab_report_weighs_sampled_interactions_by_their_sampling_rate(user):
    from learning import selectors, services

    for i, (reason, rate) in enumerate((("sampled", 0.5), ("sampled", 0.5), ("error", 0.5))):
        services.record_interaction(payload={"request_id": f"req_{i}", "owner_id": user.pk, "thread_id": "t",
                                             "timestamp": 0.0, "ab_arm": "rules", "query": "q",
                                             "sample_reason": reason, "sample_rate": rate})
    arm = selectors.ab_report()["arms"]["rules"]
    assert (arm["interactions_logged"], arm["interactions_estimated"]) == (3, 5.0)
