"""``evaluate_detection --db``: the API + worker path agrees with the in-process path."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONVERSATIONS = [
    {"id": "a", "turns": [{"text": "I work at Microsoft.", "expect_contradiction": False},
                          {"text": "My friend Sam works at Google.", "expect_contradiction": False},
                          {"text": "Where do I work?", "expect_contradiction": False},
                          {"text": "I work at Amazon now.", "expect_contradiction": True}]},
    {"id": "b", "turns": [{"text": "I'm 32.", "expect_contradiction": False},
                          {"text": "Sorry, I'm 33.", "expect_contradiction": True},
                          {"text": "I have a dog.", "expect_contradiction": False},
                          {"text": "I also have a cat.", "expect_contradiction": False}]},
]


def test_api_and_worker_path_agrees_with_in_process_path(worker, live_server, tmp_path):
    data = tmp_path / "conv.jsonl"
    data.write_text("\n".join(json.dumps(c) for c in CONVERSATIONS) + "\n")
    out = tmp_path / "report.json"

    call_command("evaluate_detection", str(data), "--db", "--base-url", live_server.url, "--json", str(out))

    report = json.loads(out.read_text())
    assert report["conversations_db"]["agreement"] == 1.0, (report, worker.log_text()[-2000:])
    assert report["conversations_db"]["recall"] == report["conversations"]["recall"] == 1.0
