"""Training data on the real database: real feedback becomes labels that outweigh the synthetic
set; the management commands bootstrap, train, and export."""

import json

import pytest
from django.core.management import call_command, load_command_class

from detection.services import create_detection_job, run_detection_job
from learning import datasets, services
from learning.ml.base import Example
from learning.models import Feedback, Interaction, ModelVersion, SyntheticExample
from memory.services import store_memory

pytestmark = pytest.mark.django_db


def log_question(user, text, slots, memory):
    return services.record_interaction(payload={
        "request_id": f"req_{memory.memory_id[-32:]}", "owner_id": user.pk, "thread_id": "t",
        "memory_id": memory.memory_id, "timestamp": memory.timestamp, "ab_arm": "rules", "is_question": True,
        "query": text, "slots_inferred": slots, "sample_reason": "sampled", "sample_rate": 1.0})


def test_a_thumbs_up_on_a_question_becomes_a_slot_label(user):
    memory = store_memory(owner=user, thread_id="t", text="Where am I based?")
    log_question(user, "Where am I based?", ["location"], memory)
    services.record_thumbs(owner=user, rating=1, memory_id=memory.memory_id)
    down = store_memory(owner=user, thread_id="t", text="What's my job?")
    log_question(user, "What's my job?", ["employer"], down)
    services.record_thumbs(owner=user, rating=-1, memory_id=down.memory_id)

    assert [(e.inputs, e.label, e.source) for e in datasets.real_slot_examples()] == \
        [({"query": "Where am I based?"}, {"slots": ["location"]}, "thumbs")]


def test_ledger_resolutions_become_policy_labels_with_the_users_history(user):
    from ledger.models import ContradictionEntry, EventAction
    from ledger.provenance import system_actor
    from ledger.services import resolve_entry

    for texts in (("I work at Microsoft.", "I work at Amazon."), ("I live in Oslo.", "I live in Rome.")):
        for text in texts:
            run_detection_job(job_id=create_detection_job(memory=store_memory(owner=user, thread_id="t",
                                                                              text=text)).job_id)
    first, second = ContradictionEntry.objects.filter(owner=user).order_by("seq")
    actor = system_actor(name="test")
    resolve_entry(owner=user, ledger_id=first.ledger_id, action=EventAction.KEEP_NEW, actor=actor)
    resolve_entry(owner=user, ledger_id=second.ledger_id, action=EventAction.DISMISS, actor=actor)

    examples = datasets.real_policy_examples()

    assert [e.label["action"] for e in examples] == ["auto_update", "keep_both"]
    assert examples[0].inputs["history"]["total"] == 0
    assert examples[1].inputs["history"]["keep_new"] == 1 and examples[1].source == "ledger"


def test_real_labels_outweigh_the_synthetic_set_as_they_accumulate():
    synthetic = [Example(inputs={}, label={}, source="synthetic")] * 10
    few = datasets.weigh(synthetic, [Example(inputs={}, label={}, source="thumbs")])
    many = datasets.weigh(synthetic, [Example(inputs={}, label={}, source="thumbs")] * 1000)
    assert few[0].weight == datasets.REAL_WEIGHT and few[-1].weight == pytest.approx(1 / (1 + 1 / 500))
    assert many[-1].weight == pytest.approx(1 / 3)  # 1000 real labels: the synthetic set counts a third


def test_corrections_and_confirmations_become_extraction_and_staleness_labels(api, user):
    memory = store_memory(owner=user, thread_id="t", text="I live in Oslo.")
    services.record_confirmation(owner=user, memory_id=memory.memory_id, slot="location", kind="extraction",
                                 confirmed=True)
    services.record_confirmation(owner=user, memory_id=memory.memory_id, slot="location", kind="staleness",
                                 confirmed=False)
    services.record_correction(owner=user, memory_id=memory.memory_id, text="Actually, I live in Bergen.")

    extraction = datasets.real_extraction_examples()
    staleness = datasets.real_staleness_examples()

    assert sorted((e.source, e.label["correct"]) for e in extraction) == [("confirmation", True), ("correction", False)]
    assert sorted((e.source, e.label["stale"]) for e in staleness) == [("confirmation", True), ("correction", True)]
    assert all(e.inputs["slot"] == "location" for e in extraction + staleness)


def test_bootstrap_then_train_produces_active_versions(capsys):
    call_command("bootstrap_learning_data", "--per-model", "1500", "--models", "resolution_policy",
                 "cross_thread_relevance", verbosity=0)
    assert SyntheticExample.objects.count() == 3000
    call_command("bootstrap_learning_data", "--per-model", "10", "--if-empty", "--models", "resolution_policy",
                 verbosity=0)
    assert SyntheticExample.objects.count() == 3000

    call_command("train_models", "resolution_policy", "cross_thread_relevance", verbosity=0)

    out = capsys.readouterr().out
    assert "ACTIVATED" in out
    active = {v.name: v for v in ModelVersion.objects.filter(status="active")}
    assert set(active) == {"resolution_policy", "cross_thread_relevance"}
    assert all(v.metric > v.baseline_metric and v.trained_by == "manage.py train_models" for v in active.values())


def test_train_models_on_a_fresh_install_bootstraps_the_synthetic_set_first():
    call_command("train_models", "resolution_policy", verbosity=0)
    assert SyntheticExample.objects.filter(model_name="resolution_policy").count() == 4000
    assert ModelVersion.objects.filter(name="resolution_policy", status="active").exists()


def test_train_models_without_data_and_without_cold_start_fails_with_a_hint():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="bootstrap_learning_data"):
        call_command("train_models", "staleness", "--no-cold-start", verbosity=0)


def test_export_writes_one_jsonl_file_per_dataset(tmp_path, user):
    memory = store_memory(owner=user, thread_id="t", text="Where do I work?")
    log_question(user, "Where do I work?", ["employer"], memory)
    Feedback.objects.create(owner=user, kind="thumbs", ab_arm="rules", memory_id=memory.memory_id, rating=1)
    services.bootstrap_synthetic(n_per_model=5, models=["staleness"])

    call_command("export_training_data", "--out", str(tmp_path), verbosity=0)

    rows = {path.stem: [json.loads(line) for line in path.read_text().splitlines()] for path in tmp_path.glob("*.jsonl")}
    assert set(rows) == {"interactions", "feedback", "synthetic", "models", "policy_decisions"}
    assert rows["interactions"][0]["query"] == "Where do I work?" and rows["interactions"][0]["owner_id"] == user.pk
    assert len(rows["synthetic"]) == 5 and rows["feedback"][0]["rating"] == 1
    assert Interaction.objects.count() == 1


@pytest.mark.parametrize("command", ["bootstrap_learning_data", "train_models", "export_training_data"])
def test_commands_have_help(command):
    text = load_command_class("learning", command).create_parser("manage.py", command).format_help()
    assert "usage:" in text and len(text) > 300
