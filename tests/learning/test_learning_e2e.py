"""End to end with a real Celery worker process: chat turns reach the interaction log through the
background publisher and the ``learning.record_interaction`` task, and the scheduled training
task (what beat sends nightly) produces active versions in the worker."""

import json
import time

import pytest
from rest_framework.test import APIClient

from learning import services
from learning.models import Interaction, ModelVersion
from learning.publisher import PUBLISHER

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_chat_turns_reach_the_interaction_log_through_the_worker(worker, user, settings):
    settings.CRT_LEARNING_LOG_MODE = "async"
    settings.CRT_INTERACTION_SAMPLE_RATE = 1.0
    api = APIClient()
    api.force_authenticate(user)
    ids = []
    for message in ("I live in Oslo, my email is kari@example.no", "Where do I live?"):
        response = api.post("/api/chat/send", data=json.dumps({"thread_id": "e2e", "message": message}),
                            content_type="application/json")
        assert response.status_code == 200
        ids.append(response.json()["metadata"]["interaction_id"])
    assert PUBLISHER.flush(timeout=10)

    arrived = wait_until(lambda: Interaction.objects.filter(request_id__in=ids).count() == 2, timeout=60)

    assert arrived, worker.log_text()[-3000:]
    statement = Interaction.objects.get(request_id=ids[0])
    assert "kari@example.no" not in statement.query and set(statement.pii_found) == {"EMAIL"}
    assert Interaction.objects.get(request_id=ids[1]).slots_inferred == ["location"]
    assert "learning.record_interaction" in worker.log_text()


def test_the_scheduled_training_task_activates_versions_in_the_worker(worker):
    from learning.tasks import train_models

    services.bootstrap_synthetic(n_per_model=1500, seed=1, models=["resolution_policy", "staleness"])
    train_models.apply_async(args=[["resolution_policy"]])

    activated = wait_until(lambda: ModelVersion.objects.filter(name="resolution_policy", status="active").exists(),
                           timeout=120)

    assert activated, worker.log_text()[-3000:]
    version = ModelVersion.objects.get(name="resolution_policy", status="active")
    assert version.trained_by.startswith("celery:") and version.metric > version.baseline_metric
