"""Benchmark: detection of one new memory against a thread holding N earlier memories.

Issue #3's target: p95 <= 50 ms for N = 1,000, excluding the embedding of the new statement.

Three figures from one run, on a throw-away database (``crt_bench_latency_<pid>`` on the configured server):

* ``worker path, cold`` — ``detection.services.run_detection_job`` minus the new statement's
  embedding (computed beforehand): job claim, exact kNN + same-slot candidate retrieval,
  fact re-extraction, the engine's decision (with the pair classifier), ledger and log writes,
  with the worker's statement cache emptied before every job (a worker that never saw the thread);
* ``worker path, warm`` — the same with the cache kept between jobs, as in a worker that processed
  earlier messages of the thread;
* ``engine only`` — ``detection.engine.detect`` of the new statement against all N earlier
  statements in memory (the decision's share of the above).

Usage::

    .venv/bin/python bench/detection_latency.py [--memories 1000] [--samples 100]

Prints a one-line summary; exits 1 if the run itself failed. Results go into docs/BENCHMARKS.md
by hand, with the command and the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crtproject.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from tqdm import tqdm  # noqa: E402

CHATTER = [
    "I went for a long walk by the river this morning.", "The weather has been really nice lately.",
    "I cooked pasta with mushrooms for dinner.", "We watched a documentary about octopuses.",
    "My weekend was pretty quiet.", "I finished reading a novel about a lighthouse keeper.",
    "Traffic was terrible on the way home.", "I tried a new coffee shop downtown.",
    "The meeting ran long again today.", "I repotted the plants on the balcony.",
    "I need to call the plumber about the sink.", "My friend Dana got a new puppy.",
    "My boss is travelling to Austin next week.", "I might take a pottery class someday.",
    "The concert last night was loud but fun.", "I cleaned out the garage on Sunday.",
]
FACTS = [
    "I work at Northwind Traders.", "I live in Denver.", "My name is Robin Alvarez.", "I am 41 years old.",
    "I speak English and Portuguese.", "I have a dog named Pepper.", "My husband is Marco.",
    "I work as a product manager.", "I love rock climbing.", "I have two kids.",
]
NEW_STATEMENTS = [
    "I work at Contoso now.", "I moved to Boulder last month.", "Actually, I'm 42.", "I love rock climbing.",
    "I have a cat named Olive too.", "I don't work at Northwind Traders anymore.", "My husband is Marco.",
    "I went to the farmers market today.", "I work as a senior product manager.", "I speak some French now.",
]


def build_thread(owner, thread_id: str, size: int, rng: random.Random) -> None:
    from memory.embeddings import embed_texts
    from memory.models import Memory
    from memory.services import store_memory

    texts = [rng.choice(FACTS) if rng.random() < 0.3 else rng.choice(CHATTER) for _ in range(size)]
    vectors = {t: v for t, v in zip(sorted(set(texts)), embed_texts(sorted(set(texts))))}
    start = time.time() - size * 3600
    for index, text in enumerate(tqdm(texts, desc="earlier memories", unit="mem")):
        memory = store_memory(owner=owner, thread_id=thread_id, text=text)
        Memory.objects.filter(pk=memory.pk).update(embedding=vectors[text], timestamp=start + index * 3600)


def measure(owner, thread_id: str, samples: int, rng: random.Random) -> tuple[list[float], list[float]]:
    from detection import classifier, services
    from detection.engine import detect
    from detection.evaluation import build_statement
    from memory.embeddings import embed_texts
    from memory.models import Memory
    from memory.services import store_memory

    def statement(m):  # the engine-only input, built without the worker's cache
        return build_statement(memory_id=m.memory_id, text=m.text, timestamp=m.timestamp,
                               embedding=None if m.embedding is None else list(m.embedding))

    scorer, threshold = classifier.get_scorer()
    earlier = [statement(m) for m in Memory.objects.filter(owner=owner, thread_id=thread_id)]
    cold_ms, warm_ms, engine_ms = [], [], []
    for index in tqdm(range(2 * samples), desc="new memories", unit="job"):
        cold = index < samples
        text = rng.choice(NEW_STATEMENTS)
        memory = store_memory(owner=owner, thread_id=thread_id, text=text)
        memory.embedding = embed_texts([text])[0]  # excluded from the measurement
        Memory.objects.filter(pk=memory.pk).update(embedding=memory.embedding)
        job = services.create_detection_job(memory=memory)
        if cold:
            services._statement_cache.clear()
        started = time.perf_counter()
        services.run_detection_job(job_id=job.job_id)
        (cold_ms if cold else warm_ms).append((time.perf_counter() - started) * 1000)
        if cold:
            new = statement(Memory.objects.get(pk=memory.pk))
            started = time.perf_counter()
            detect(new, earlier, pair_scorer=scorer, pair_threshold=threshold)
            engine_ms.append((time.perf_counter() - started) * 1000)
    return cold_ms, warm_ms, engine_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memories", type=int, default=1000, help="earlier memories in the thread (default 1000)")
    parser.add_argument("--samples", type=int, default=100, help="new memories to detect (default 100)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    connection.settings_dict["TEST"]["NAME"] = f"crt_bench_latency_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        owner = get_user_model().objects.create_user(username="bench")
        build_thread(owner, "bench", args.memories, rng)
        from memory.embeddings import get_model

        get_model()
        cold_ms, warm_ms, engine_ms = measure(owner, "bench", args.samples, rng)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    p = lambda xs, q: float(np.percentile(xs, q))  # noqa: E731
    print(f"SUMMARY detection vs {args.memories} earlier memories, {args.samples} samples each: "
          f"worker path cold p50 {p(cold_ms, 50):.1f} ms p95 {p(cold_ms, 95):.1f} ms | "
          f"warm p50 {p(warm_ms, 50):.1f} ms p95 {p(warm_ms, 95):.1f} ms | "
          f"engine only p50 {p(engine_ms, 50):.2f} ms p95 {p(engine_ms, 95):.2f} ms "
          f"(target: worker path p95 <= 50 ms); load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # the run itself failed: say so and exit non-zero
        print(f"benchmark failed: {exc!r}", file=sys.stderr)
        sys.exit(1)
