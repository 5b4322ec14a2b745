"""The learning hooks inside real chat turns: learned models for the learned A/B arm (with the
version in the response and the log), rule-based baselines for the rest, facts from other
threads, the staleness question, and the resolution policy over the real ledger."""

import json
import time

import pytest

from detection.services import create_detection_job, run_detection_job
from learning import registry, synthetic
from learning.ml import SPECS
from learning.ml.base import Example, serialize, train_spec
from learning.models import Feedback, Interaction, PolicyDecision
from learning.serving import EMBEDDER
from memory.models import Memory
from memory.services import store_memory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pipelines():
    """Small trained pipelines (pure scikit-learn; trained once for the module)."""
    return {
        "slot_classifier": train_spec(SPECS["slot_classifier"], synthetic.generate("slot_classifier", 800, seed=2)),
        "extraction_confidence": train_spec(SPECS["extraction_confidence"],
                                            synthetic.generate("extraction_confidence", 3000, seed=2)),
    }


def activate(name, pipeline):
    version = registry.register_version(name=name, artifact=serialize(pipeline), metric=1.0, baseline_metric=0.0,
                                        champion_metric=None, metrics={}, training_rows=1, training_real_rows=0,
                                        heldout_rows=1, training_seconds=0.0, trained_by="test")
    registry.activate(version_id=version.pk)
    return version


@pytest.fixture
def learned_arm(settings):
    settings.CRT_AB_LEARNED_SHARE = 1.0
    settings.CRT_MODEL_RELOAD_TTL_S = 0.0
    settings.CRT_QUERY_EMBEDDING_BUDGET_MS = 1e9  # a busy test machine must not trip the breaker
    settings.CRT_LEARNING_LOG_MODE = "sync"
    settings.CRT_INTERACTION_SAMPLE_RATE = 0.0
    registry.CACHE.clear()
    yield
    registry.CACHE.clear()


@pytest.fixture
def rules_arm(settings):
    settings.CRT_AB_LEARNED_SHARE = 0.0
    settings.CRT_LEARNING_LOG_MODE = "sync"


def send(api, message, thread_id="t", capture=None):
    if capture is None:
        response = api.post("/api/chat/send", data=json.dumps({"thread_id": thread_id, "message": message}),
                            content_type="application/json")
    else:
        with capture(execute=True):
            response = api.post("/api/chat/send", data=json.dumps({"thread_id": thread_id, "message": message}),
                                content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_learned_arm_asks_to_confirm_low_confidence_extractions_and_logs_the_version(
        api, learned_arm, pipelines, django_capture_on_commit_callbacks):
    version = activate("extraction_confidence", pipelines["extraction_confidence"])

    sincere = send(api, "I work at Microsoft.", capture=django_capture_on_commit_callbacks)
    joking = send(api, "Haha my name is Darth Vader lol.", capture=django_capture_on_commit_callbacks)

    assert sincere["answer"] == "Noted." and sincere["metadata"]["confirmations"] == []
    confirmation = joking["metadata"]["confirmations"][0]
    assert confirmation["slot"] == "name" and confirmation["confidence"] < 0.7
    assert confirmation["memory_id"] == joking["metadata"]["memory_id"]
    assert "is your name Darth Vader?" in joking["answer"]
    assert joking["metadata"]["model_versions"] == {"extraction_confidence": version.version}
    logged = Interaction.objects.get(request_id=joking["metadata"]["interaction_id"])
    assert logged.sample_reason == "feedback_prompt"  # kept although the sample rate is 0
    assert [(p["model"], p["version"], p["source"]) for p in logged.predictions] == \
        [("extraction_confidence", version.version, "learned")]


def test_learned_slot_classifier_answers_a_paraphrase_the_rules_miss(api, learned_arm, pipelines):
    from detection.engine import question_slots

    activate("slot_classifier", pipelines["slot_classifier"])
    assert EMBEDDER.wait(timeout=300), "the embedding model did not load"
    assert question_slots("Which firm employs me?") == []  # the rule-based baseline has no answer
    send(api, "I work at Microsoft.")

    body = send(api, "Which firm employs me?")

    assert "Microsoft" in body["answer"]
    assert body["metadata"]["slot_inference"] == {"slots": ["employer"], "source": "learned"}
    assert body["metadata"]["model_versions"]["slot_classifier"] == 1


def test_a_slow_query_embedding_pauses_the_slot_classifier(api, learned_arm, pipelines, settings):
    activate("slot_classifier", pipelines["slot_classifier"])
    assert EMBEDDER.wait(timeout=300)
    settings.CRT_QUERY_EMBEDDING_BUDGET_MS = 0.0  # every embedding is "too slow"
    try:
        first = send(api, "Which firm employs me?")
        second = send(api, "Which firm employs me?")
    finally:
        EMBEDDER._paused_until = 0.0
    assert first["metadata"]["slot_inference"]["source"] == "learned"
    assert second["metadata"]["slot_inference"]["source"] == "rules (embedding_slow)"


def test_without_an_active_version_the_learned_arm_is_served_by_the_rules(api, learned_arm):
    body = send(api, "Where do I live?")
    assert body["metadata"]["ab_arm"] == "learned"
    assert body["metadata"]["slot_inference"]["source"] == "rules"
    assert body["metadata"]["model_versions"] == {"slot_classifier": "rules"}


def test_a_fact_from_another_thread_answers_when_it_is_relevant(api, rules_arm):
    send(api, "My name is Jordan.", thread_id="intro")

    body = send(api, "What's my name?", thread_id="travel")

    assert body["answer"] == "From another conversation: Your name is Jordan."
    [fact] = body["metadata"]["cross_thread_facts"]
    assert (fact["slot"], fact["value"], fact["thread_id"]) == ("name", "Jordan", "intro")
    assert [m["text"] for m in body["metadata"]["retrieved_memories"]] == ["My name is Jordan."]


def test_an_irrelevant_fact_from_another_thread_is_filtered_out(api, rules_arm):
    send(api, "I work at Microsoft.", thread_id="work")

    body = send(api, "Where am I employed? Asking for my cooking recipe blog.", thread_id="recipes")

    assert "Microsoft" not in body["answer"] and body["metadata"]["cross_thread_facts"] == []


def test_the_threads_own_fact_wins_over_other_threads(api, rules_arm):
    send(api, "I work at Google.", thread_id="other")
    send(api, "I work at Microsoft.", thread_id="t")
    body = send(api, "Where do I work?", thread_id="t")
    assert "Microsoft" in body["answer"] and "Google" not in body["answer"]


def test_an_old_fact_gets_the_still_true_question_and_the_answer_becomes_a_label(api, rules_arm, user):
    said = send(api, "I am 34 years old.")
    Memory.objects.filter(memory_id=said["metadata"]["memory_id"]).update(timestamp=time.time() - 3 * 365 * 86400)

    body = send(api, "How old am I?")

    assert body["answer"] == "You are 34. Is it still true that you are 34?"
    [prompt] = body["metadata"]["staleness_prompts"]
    assert prompt["slot"] == "age" and prompt["stale_probability"] > 0.8
    response = api.post("/api/feedback/confirm", data=json.dumps({
        "memory_id": prompt["memory_id"], "slot": "age", "kind": "staleness", "confirmed": False, "value": "37"}),
        content_type="application/json")
    assert response.status_code == 201, response.content
    feedback = Feedback.objects.get(kind="confirmation")
    assert feedback.context["staleness_features"]["age_days"] == pytest.approx(3 * 365, abs=1)
    assert response.json()["applied"]["facts"] == [{"slot": "age", "value": "37", "negated": False}]


def test_a_recent_fact_gets_no_staleness_question(api, rules_arm):
    send(api, "I am 34 years old.")
    body = send(api, "How old am I?")
    assert body["answer"] == "You are 34." and body["metadata"]["staleness_prompts"] == []


def contradict(user, old="I work at Microsoft.", new="I work at Amazon.", thread_id="t"):
    for text in (old, new):
        run_detection_job(job_id=create_detection_job(memory=store_memory(owner=user, thread_id=thread_id,
                                                                          text=text)).job_id)


def test_open_contradictions_get_rule_based_suggestions(api, rules_arm, user):
    contradict(user)
    body = send(api, "Where do I work?")
    [suggestion] = body["metadata"]["heuristic_suggestions"]
    assert suggestion["action"] in ("auto_update", "ask_user", "keep_both") and suggestion["source"] == "rules"
    assert body["metadata"]["learned_suggestions"] == []


def test_the_learned_policy_decides_and_auto_resolves_confident_updates(learned_arm, user, api):
    from ledger.models import ContradictionEntry
    from learning import services

    # a policy trained on users who always keep the new statement (denials: keep both)
    examples = []
    for i, ex in enumerate(synthetic.generate("resolution_policy", 600, seed=4)):
        action = "keep_both" if ex.inputs["contradiction_type"] == "DENIAL" else "auto_update"
        examples.append(Example(inputs=ex.inputs, label={"action": action}, group=str(i)))
    version = activate("resolution_policy", train_spec(SPECS["resolution_policy"], examples))
    contradict(user)
    entry = ContradictionEntry.objects.get(owner=user)

    result = services.review_open_contradictions(owner=user)

    decision = PolicyDecision.objects.get(ledger_id=entry.ledger_id)
    assert result == {"reviewed": 1, "auto_resolved": 1}
    assert (decision.action, decision.source, decision.applied) == ("auto_update", "learned", True)
    assert decision.model_version == f"resolution_policy:v{version.version}"
    entry.refresh_from_db()
    assert entry.status == "auto_resolved"
    assert services.review_open_contradictions(owner=user) == {"reviewed": 0, "auto_resolved": 0}  # idempotent


def test_auto_apply_can_be_switched_off(learned_arm, user, settings):
    from ledger.models import ContradictionEntry
    from learning import services

    settings.CRT_POLICY_AUTO_APPLY = "off"
    examples = [Example(inputs=e.inputs, label={"action": "auto_update" if i % 5 else "ask_user"}, group=str(i))
                for i, e in enumerate(synthetic.generate("resolution_policy", 300, seed=4))]
    activate("resolution_policy", train_spec(SPECS["resolution_policy"], examples))
    contradict(user)
    services.review_open_contradictions(owner=user)
    assert ContradictionEntry.objects.get(owner=user).status == "open"
    assert not PolicyDecision.objects.get().applied
