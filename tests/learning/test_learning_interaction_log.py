"""The interaction log on the real database: what a chat turn records, anonymization before
storage, tail-based sampling, and that neither the learning hooks nor the log can fail a request."""

import json

import pytest

from learning.models import Interaction
from memory.chat import handle_chat_message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sync_log(settings):
    settings.CRT_LEARNING_LOG_MODE = "sync"
    settings.CRT_AB_LEARNED_SHARE = 0.0  # everyone in the rules arm unless a test says otherwise
    settings.CRT_INTERACTION_SAMPLE_RATE = 1.0


def send(api, message, thread_id="t", capture=None):
    with capture(execute=True):
        response = api.post("/api/chat/send", data=json.dumps({"thread_id": thread_id, "message": message}),
                            content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_chat_turn_is_logged_anonymized_with_its_predictions(api, user, django_capture_on_commit_callbacks):
    body = send(api, "I live in Berlin, call me on +49 30 1234567 or mail jo@example.org",
                capture=django_capture_on_commit_callbacks)

    interaction = Interaction.objects.get(request_id=body["metadata"]["interaction_id"])
    assert interaction.owner == user and interaction.memory_id == body["metadata"]["memory_id"]
    assert "jo@example.org" not in interaction.query and "1234567" not in interaction.query
    assert "<EMAIL:" in interaction.query and "<PHONE:" in interaction.query and "Berlin" in interaction.query
    assert set(interaction.pii_found) == {"EMAIL", "PHONE"}
    stored = json.dumps([getattr(interaction, f.attname) for f in Interaction._meta.fields], default=str)
    assert "jo@example.org" not in stored and "1234567" not in stored  # nowhere in the row (predictions too)
    assert interaction.ab_arm == "rules" and interaction.sample_reason == "sampled"
    assert interaction.model_versions == {"extraction_confidence": "rules"}
    assert interaction.facts_extracted[0]["slot"] == "location"
    assert interaction.latency_ms > 0 and interaction.answer.startswith("Noted.")


def test_a_question_logs_the_slots_inferred_and_the_facts_injected(api, django_capture_on_commit_callbacks):
    send(api, "I work at Microsoft.", capture=django_capture_on_commit_callbacks)
    body = send(api, "Where do I work?", capture=django_capture_on_commit_callbacks)

    interaction = Interaction.objects.get(request_id=body["metadata"]["interaction_id"])
    assert interaction.is_question and interaction.slots_inferred == ["employer"]
    assert interaction.slot_source == "rules"
    assert [(f["slot"], f["value"], f["cross_thread"]) for f in interaction.facts_injected] == \
        [("employer", "Microsoft", False)]
    assert body["metadata"]["slot_inference"] == {"slots": ["employer"], "source": "rules"}


def test_sampling_drops_normal_turns_but_keeps_prompts_and_contradictions(api, settings, user,
                                                                          django_capture_on_commit_callbacks):
    from detection.services import create_detection_job, run_detection_job
    from memory.services import store_memory

    settings.CRT_INTERACTION_SAMPLE_RATE = 0.0
    settings.CRT_INTERACTION_SLOW_MS = 60_000.0
    normal = send(api, "I like tea.", capture=django_capture_on_commit_callbacks)
    hedged = send(api, "I think I work at IBM, not sure.", capture=django_capture_on_commit_callbacks)
    for text in ("I live in Oslo.", "I live in Rome."):
        run_detection_job(job_id=create_detection_job(memory=store_memory(owner=user, thread_id="t", text=text)).job_id)
    disclosed = send(api, "Where do I live?", capture=django_capture_on_commit_callbacks)

    kept = {i.request_id: i.sample_reason for i in Interaction.objects.all()}
    assert normal["metadata"]["interaction_id"] not in kept
    assert kept[hedged["metadata"]["interaction_id"]] == "feedback_prompt"
    assert kept[disclosed["metadata"]["interaction_id"]] == "contradiction"


def test_a_failing_turn_is_logged_as_an_error(user, monkeypatch, settings):
    from memory import services

    def broken(**_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "store_memory", broken)
    settings.CRT_INTERACTION_SAMPLE_RATE = 0.0
    with pytest.raises(RuntimeError):
        handle_chat_message(owner=user, thread_id="t", message="I live in Oslo.")

    interaction = Interaction.objects.get()
    assert interaction.sample_reason == "error" and "disk on fire" in interaction.error


def test_a_broken_learning_hook_does_not_fail_the_request(api, monkeypatch, django_capture_on_commit_callbacks):
    from learning.ml import rules

    def broken(_inputs):
        raise ValueError("model exploded")

    monkeypatch.setattr(rules, "extraction_baseline", broken)  # what the rules arm serves
    body = send(api, "I live in Oslo.", capture=django_capture_on_commit_callbacks)

    assert body["answer"] == "Noted."
    interaction = Interaction.objects.get(request_id=body["metadata"]["interaction_id"])
    assert "confirm_extractions" in interaction.error


def test_a_failure_to_log_does_not_fail_the_request(api, monkeypatch, django_capture_on_commit_callbacks):
    from learning import services

    def broken(**_kwargs):
        raise ConnectionError("database gone")

    monkeypatch.setattr(services, "record_interaction", broken)
    body = send(api, "I live in Oslo.", capture=django_capture_on_commit_callbacks)
    assert body["answer"] == "Noted." and Interaction.objects.count() == 0


def test_async_mode_hands_the_record_to_the_publisher_after_commit(api, settings, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    from learning import publisher

    settings.CRT_LEARNING_LOG_MODE = "async"
    handed = []
    monkeypatch.setattr(publisher.PUBLISHER, "submit", handed.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api.post("/api/chat/send", data=json.dumps({"message": "I live in Oslo."}), content_type="application/json")
    assert handed == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert len(handed) == 1 and handed[0]["query"] == "I live in Oslo."


def test_the_publisher_queue_never_blocks_the_request_when_full(monkeypatch):
    from learning.publisher import BackgroundPublisher

    publisher = BackgroundPublisher(maxsize=1)
    monkeypatch.setattr(publisher, "_deliver", lambda payload: __import__("time").sleep(1))
    results = [publisher.submit({"request_id": f"r{i}"}) for i in range(5)]
    assert results[0] is True and results.count(False) >= 3
