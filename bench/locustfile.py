"""Locust scenario of seed 000's load test: users posting statements and asking questions.

Each simulated user is one conversation thread (statements about their job, city and age that
change now and then — contradictions —, chatter, questions), with a think time of 1–3 s. Tokens of
pre-created API users come from the JSON list in ``CRT_BENCH_TOKENS`` (``bench/load_test.py`` writes
it); simulated users share them round-robin, each in its own thread.

Run by ``bench/load_test.py``; by hand::

    CRT_BENCH_TOKENS=/tmp/crt-bench/tokens.json locust -f bench/locustfile.py --headless \\
        --host http://127.0.0.1:8000 -u 50 -r 25 -t 60s
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import Conversation  # noqa: E402

_TOKENS = json.loads(Path(os.environ["CRT_BENCH_TOKENS"]).read_text()) if os.environ.get("CRT_BENCH_TOKENS") else []
_RUN = os.environ.get("CRT_BENCH_RUN", "run")
_NEXT = itertools.count()


class ChatUser(HttpUser):
    """One user chatting in one thread: 3 statements per question, 1–3 s think time (seed 000)."""

    wait_time = between(1, 3)

    def on_start(self):
        index = next(_NEXT)
        if not _TOKENS:
            raise RuntimeError("CRT_BENCH_TOKENS must name a JSON list of API tokens")
        self.client.headers["Authorization"] = f"Token {_TOKENS[index % len(_TOKENS)]}"
        self.thread_id = f"{_RUN}-{os.getpid()}-{index}"
        self.conversation = Conversation(seed=index)

    @task(3)
    def statement(self):
        self.client.post("/api/chat/send", json={"thread_id": self.thread_id, "message": self.conversation.statement()},
                         name="/api/chat/send (statement)")

    @task(1)
    def question(self):
        self.client.post("/api/chat/send", json={"thread_id": self.thread_id, "message": self.conversation.question()},
                         name="/api/chat/send (question)")
