"""The model registry on the real database: activation rules, rollback, checksums, hot reload
observed from a second process, and the beat schedule created by the data migration."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from learning import registry, synthetic, training
from learning.ml.base import NotEnoughData, serialize, train_spec
from learning.ml import SPECS
from learning.models import ModelStatus, ModelVersion

ROOT = Path(__file__).resolve().parents[2]


MODEL = "resolution_policy"  # quick to train, far ahead of its baseline


def policy_examples(n=1500, seed=0):
    return synthetic.generate(MODEL, n, seed=seed)


def register(metric, *, baseline=0.5, champion=None, name=MODEL):
    pipeline = train_spec(SPECS[name], policy_examples(200))
    return registry.register_version(name=name, artifact=serialize(pipeline), metric=metric, baseline_metric=baseline,
                                     champion_metric=champion, metrics={}, training_rows=200, training_real_rows=0,
                                     heldout_rows=50, training_seconds=0.1, trained_by="test")


@pytest.mark.django_db
def test_first_version_that_beats_the_baseline_is_activated():
    result = training.train_model(name=MODEL, examples=policy_examples())
    assert result.activated and result.version.status == ModelStatus.ACTIVE
    assert result.metric > result.baseline_metric and result.champion_metric is None
    stored = ModelVersion.objects.get(pk=result.version.pk)
    assert stored.artifact_bytes == len(bytes(stored.artifact)) and len(stored.artifact_sha256) == 64
    assert stored.metrics["heldout"]["rows"] == stored.heldout_rows


@pytest.mark.django_db
def test_a_retrained_version_that_does_not_beat_the_active_one_stays_candidate():
    first = training.train_model(name=MODEL, examples=policy_examples())
    second = training.train_model(name=MODEL, examples=policy_examples())  # same data, same score

    assert second.champion_metric == pytest.approx(first.metric)
    assert not second.activated and second.version.status == ModelStatus.CANDIDATE
    assert "does not beat the active version" in ModelVersion.objects.get(pk=second.version.pk).decision
    assert registry.active_versions()[MODEL].pk == first.version.pk


def test_activation_rule():
    assert registry.should_activate(metric=0.9, baseline_metric=0.8, champion_metric=None)[0]
    assert registry.should_activate(metric=0.9, baseline_metric=0.8, champion_metric=0.85)[0]
    assert not registry.should_activate(metric=0.9, baseline_metric=0.8, champion_metric=0.9)[0]
    assert not registry.should_activate(metric=0.7, baseline_metric=0.8, champion_metric=None)[0]


@pytest.mark.django_db
def test_activating_an_old_version_rolls_back_and_retires_the_current_one():
    v1, v2 = register(0.8), register(0.9)
    registry.activate(version_id=v1.pk)
    registry.activate(version_id=v2.pk)
    assert ModelVersion.objects.get(pk=v1.pk).status == ModelStatus.RETIRED

    registry.activate(version_id=v1.pk, reason="rollback")

    assert ModelVersion.objects.get(pk=v1.pk).status == ModelStatus.ACTIVE
    assert ModelVersion.objects.get(pk=v2.pk).status == ModelStatus.RETIRED
    assert ModelVersion.objects.filter(name=MODEL, status="active").count() == 1


@pytest.mark.django_db
def test_the_database_allows_one_active_version_per_model():
    v1, v2 = register(0.8), register(0.9)
    registry.activate(version_id=v1.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.filter(pk=v2.pk).update(status="active")


@pytest.mark.django_db
def test_a_tampered_artifact_is_never_activated_or_loaded():
    version = register(0.8)
    ModelVersion.objects.filter(pk=version.pk).update(artifact=b"not the pipeline")
    with pytest.raises(registry.RegistryError, match="checksum"):
        registry.activate(version_id=version.pk)
    with pytest.raises(registry.RegistryError, match="checksum"):
        registry.load_version(ModelVersion.objects.get(pk=version.pk))


@pytest.mark.django_db
def test_a_version_built_with_other_features_is_not_activated():
    version = register(0.8)
    ModelVersion.objects.filter(pk=version.pk).update(feature_version="old-features")
    with pytest.raises(registry.RegistryError, match="features"):
        registry.activate(version_id=version.pk)


@pytest.mark.django_db
def test_training_without_data_says_what_to_do():
    with pytest.raises(NotEnoughData, match="bootstrap_learning_data"):
        training.train_model(name=MODEL)


@pytest.mark.django_db
def test_the_beat_schedule_exists_after_migrate():
    from django_celery_beat.models import PeriodicTask

    from crtproject.celery import app

    tasks = {t.name: t for t in PeriodicTask.objects.filter(task__startswith="learning.")}
    nightly = tasks["learning: nightly retraining"]
    assert nightly.task == "learning.train_models" and nightly.enabled
    assert (nightly.crontab.minute, nightly.crontab.hour) == ("15", "3")
    review = tasks["learning: review open contradictions"]
    assert review.task == "learning.review_contradictions" and review.interval.every == 60
    app.loader.import_default_modules()
    assert {"learning.train_models", "learning.review_contradictions", "learning.record_interaction"} <= set(app.tasks)


WATCHER = r"""
import json, os, sys, time
import django
django.setup()
from learning import registry
deadline = time.monotonic() + float(sys.argv[1])
seen = "start"
while time.monotonic() < deadline:
    model = registry.get_active("resolution_policy")
    version = model.version if model else None
    if version != seen:
        print(json.dumps({"version": version, "t": time.time()}), flush=True)
        seen = version
    time.sleep(0.05)
"""


def _next_version(proc, want, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        row = json.loads(line)
        if row["version"] == want:
            return row
    raise AssertionError(f"the other process never served v{want}: {proc.stderr.read()[-2000:]}")


@pytest.mark.django_db(transaction=True)
def test_another_process_serves_a_newly_activated_version_within_the_ttl(tmp_path):
    from django.conf import settings

    from tests.conftest import database_url_for_subprocess

    v1, v2 = register(0.8), register(0.9)
    registry.activate(version_id=v1.pk)
    ttl = 0.5
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crtproject.test_settings",
           "DATABASE_URL": database_url_for_subprocess(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "CRT_MODEL_RELOAD_TTL_S": str(ttl), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", WATCHER, "120"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _next_version(proc, 1, timeout=90)
        activated_at = time.time()
        registry.activate(version_id=v2.pk)
        seen = _next_version(proc, 2, timeout=30)
        assert seen["t"] - activated_at < ttl + 2.0

        rolled_back_at = time.time()
        registry.activate(version_id=v1.pk, reason="rollback")
        seen = _next_version(proc, 1, timeout=30)
        assert seen["t"] - rolled_back_at < ttl + 2.0

        registry.retire(version_id=v1.pk)
        _next_version(proc, None, timeout=30)  # nothing active: the process falls back to the rules
    finally:
        proc.kill()
        proc.wait()
