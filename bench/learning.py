"""Benchmark of the learning track (issue 7): training time, held-out quality vs the rule-based
baselines, per-prediction latency, artifact sizes, and the request-path costs of the hooks.

    .venv/bin/python bench/learning.py                 # 100,000 generated examples per model
    .venv/bin/python bench/learning.py --examples 5000 # quick run
    .venv/bin/python bench/learning.py --embedding-sweep        # bulk embedding: batch size x torch threads
    .venv/bin/python bench/learning.py --import-footprint [--tree DIR]  # RSS/modules after django.setup + URLs

Run every benchmark under the shared lock on the team VM: ``flock /tmp/crt-bench.lock …``.

Targets (issue 7 / seed 001): training all five models on 100,000 generated interactions < 5 min
on this box; inference p95 < 1 ms per prediction (excluding the query embedding); slot classifier
model < 10 MB. Results go to docs/BENCHMARKS.md by hand, with the command and the machine.
Runs on demand only (never in the test suite). Needs no database: the models are pure
scikit-learn pipelines; Django settings are loaded for the embedding model's configuration.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crtproject.settings")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux /proc)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GB RAM, Python {platform.python_version()}"


def time_single_predictions(spec, pipeline, rows: list[dict], repeats: int) -> tuple[list[float], list[float]]:
    """(wall ms, CPU ms) per single-row prediction (the request path predicts one row at a time).
    On a shared machine the wall time includes waiting for a core; the CPU time does not."""
    wall, cpu = [], []
    for i in range(repeats):
        row = rows[i % len(rows)]
        w0, c0 = time.perf_counter(), time.thread_time()
        spec.predict(pipeline, [row])
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return wall, cpu


FOOTPRINT_PROBE = """
import json, resource, sys, time
t0 = time.perf_counter()
import django
django.setup()
import crtproject.urls
from django.urls import get_resolver
get_resolver().url_patterns
seconds = time.perf_counter() - t0
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"numpy", "scipy", "sklearn", "joblib", "torch",
                                                         "sentence_transformers", "transformers"})
print(json.dumps({"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "seconds": seconds,
                  "heavy": heavy, "modules": len(sys.modules)}))
"""


def import_footprint(tree: Path, runs: int) -> int:
    """Peak RSS (ru_maxrss) and import time of a fresh process doing ``django.setup()`` and loading
    every URL module of the checkout ``tree`` (what a web, beat or flower process carries before it
    serves anything). The database and broker URLs point nowhere: nothing connects."""
    import json
    import statistics
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(tree), "DJANGO_SETTINGS_MODULE": "crtproject.settings",
           "DATABASE_URL": "postgres://probe@127.0.0.1:1/probe", "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", FOOTPRINT_PROBE], cwd=tree, env=env, capture_output=True,
                             text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    rss = [r["maxrss_mb"] for r in results]
    secs = [r["seconds"] for r in results]
    print(f"tree {tree}: {runs} fresh processes, django.setup() + URL loading")
    print(f"peak RSS (ru_maxrss) median {statistics.median(rss):.1f} MB (min {min(rss):.1f}, max {max(rss):.1f}); "
          f"import time median {statistics.median(secs):.2f} s; {results[0]['modules']} modules; "
          f"scientific libraries loaded: {', '.join(results[0]['heavy']) or 'none'}")
    return 0


def embedding_sweep(texts: list[str], batch_sizes: list[int], thread_counts: list[int]) -> int:
    """Sentences per second of MiniLM on ``texts`` (distinct, not cached) for each batch size and
    torch intra-op thread count, in one process, each configuration on the same texts."""
    import torch

    from memory.embeddings import get_model

    model = get_model()
    model.encode(texts[:64], batch_size=64)  # warm-up
    print(f"{len(texts)} distinct generated questions per configuration\n")
    print("| torch threads | batch size | seconds | sentences/s | CPU s |")
    print("|---|---|---|---|---|")
    for threads in thread_counts:
        torch.set_num_threads(threads)
        for batch_size in batch_sizes:
            w0, c0 = time.perf_counter(), time.process_time()
            model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                         show_progress_bar=False)
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            print(f"| {threads} | {batch_size} | {wall:.1f} | {len(texts) / wall:.0f} | {cpu:.1f} |", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100_000, help="generated examples per model (default 100000)")
    parser.add_argument("--repeats", type=int, default=2000, help="single predictions timed per model (default 2000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", nargs="+", help="only these models (default: all five)")
    parser.add_argument("--torch-threads", type=int, default=0,
                        help="torch intra-op threads while training (default: torch's own, = cores)")
    parser.add_argument("--embedding-sweep", action="store_true",
                        help="only measure bulk embedding speed per batch size and thread count")
    parser.add_argument("--sweep-texts", type=int, default=3000, help="distinct questions per sweep configuration")
    parser.add_argument("--import-footprint", action="store_true",
                        help="only measure a fresh process's RSS after django.setup() + URL loading")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout to measure with --import-footprint")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes for --import-footprint")
    args = parser.parse_args()
    load_start = os.getloadavg()
    if args.import_footprint:
        print(f"machine: {machine()}; load average at start {load_start[0]:.2f}")
        code = import_footprint(args.tree.resolve(), args.runs)
        print(f"load average at end {os.getloadavg()[0]:.2f}")
        return code

    import django

    django.setup()
    from learning import sampling, synthetic
    from learning.anonymize import Anonymizer
    from learning.ml import SPECS
    from learning.ml.base import evaluate_spec, serialize, split_examples, train_spec
    from learning.ml import slot_classifier
    from learning.ml.slot_classifier import EMBEDDING_STATS, embed_queries
    from learning.publisher import BackgroundPublisher

    print(f"machine: {machine()}; load average at start {load_start[0]:.2f}")
    if args.embedding_sweep:
        questions = [e.inputs["query"] for e in synthetic.generate("slot_classifier", 40_000, seed=args.seed + 1)]
        distinct = list(dict.fromkeys(q.lower() for q in questions))[:args.sweep_texts]
        code = embedding_sweep(distinct, [64, 128, 256], [1, 2])
        print(f"load average at end {os.getloadavg()[0]:.2f}")
        return code
    print("command: .venv/bin/python bench/learning.py " + " ".join(sys.argv[1:]) + "\n")

    rss_before = rss_mb()
    started = time.perf_counter()
    from memory.embeddings import get_model

    get_model()
    model_load_s = time.perf_counter() - started
    rss_model = rss_mb()

    import torch

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    print(f"torch intra-op threads while training: {torch.get_num_threads()}; bulk embedding batch size "
          f"{slot_classifier.BULK_EMBEDDING_BATCH_SIZE}")
    rows_out = []
    total_wall = total_cpu = 0.0
    for name, spec in SPECS.items():
        if args.models and name not in args.models:
            continue
        wall0, cpu0 = time.perf_counter(), time.process_time()
        embedded0 = dict(EMBEDDING_STATS)
        examples = synthetic.generate(name, args.examples, seed=args.seed)
        split = split_examples(examples, random_state=args.seed)
        pipeline = train_spec(spec, split.train, random_state=args.seed)
        train_wall, train_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        if EMBEDDING_STATS["texts"] > embedded0["texts"]:
            print(f"{name}: embedded {EMBEDDING_STATS['texts'] - embedded0['texts']} distinct texts "
                  f"({len({e.inputs['query'] for e in split.train})} distinct training questions) in "
                  f"{EMBEDDING_STATS['seconds'] - embedded0['seconds']:.1f}s wall during training", flush=True)
        total_wall += train_wall
        total_cpu += train_cpu
        learned = evaluate_spec(spec, pipeline, split.heldout)
        baseline = evaluate_spec(spec, None, split.heldout)
        artifact = serialize(pipeline)
        inputs = [e.inputs for e in split.heldout[:500]]
        if name == "slot_classifier":  # exclude the embedding: feed precomputed vectors
            vectors = embed_queries([row["query"] for row in inputs])
            inputs = [{**row, "embedding": vector} for row, vector in zip(inputs, vectors)]
        wall_ms, cpu_ms = time_single_predictions(spec, pipeline, inputs, args.repeats)
        rows_out.append((name, spec.primary_metric, learned.primary, baseline.primary, len(split.heldout),
                         train_wall, train_cpu, percentile(wall_ms, 50), percentile(wall_ms, 95),
                         percentile(cpu_ms, 50), percentile(cpu_ms, 95), len(artifact)))
        print(f"{name}: trained in {train_wall:.1f}s wall / {train_cpu:.1f}s CPU; {spec.primary_metric} "
              f"{learned.primary:.4f} vs baseline {baseline.primary:.4f}", flush=True)
        if name == "resolution_policy":
            keys = ("agreement_most_likely", "auto_update_precision", "auto_update_rate", "ask_rate",
                    "unsafe_auto_update_rate")
            print(f"resolution_policy details: { {k: learned.metrics[k] for k in keys} }; rules: "
                  f"{ {k: baseline.metrics[k] for k in keys[1:]} }")
            from learning.synthetic import resolution_agreement_ceiling

            ceiling = resolution_agreement_ceiling(args.examples, seed=args.seed,
                                                   groups={e.group for e in split.heldout})
            print(f"resolution_policy ceilings on the held-out users (generator's probabilities): {ceiling}",
                  flush=True)

    print("\n| model | metric | learned | rule baseline | held-out rows | train wall s | train CPU s "
          "| predict wall p50 / p95 ms | predict CPU p50 / p95 ms | artifact KiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, metric, learned, base, n, wall, cpu, p50, p95, c50, c95, size in rows_out:
        print(f"| {name} | {metric} | {learned:.4f} | {base:.4f} | {n} | {wall:.1f} | {cpu:.1f} | {p50:.3f} / "
              f"{p95:.3f} | {c50:.3f} / {c95:.3f} | {size / 1024:.0f} |")
    print(f"| **all five** | | | | | **{total_wall:.1f}** | **{total_cpu:.1f}** | | | |")

    # ---------------------------------------------------------------- request-path costs
    texts = [e.inputs["query"] for e in synthetic.generate("slot_classifier", 1000, seed=99)]
    texts = list(dict.fromkeys(texts))[:300]
    from memory.embeddings import embed_texts

    embed_ms: dict[int, list[float]] = {}
    for threads in (torch.get_num_threads(), 1):  # the default, then what the web process uses
        torch.set_num_threads(threads)
        embed_ms[threads] = []
        for text in texts:
            t0 = time.perf_counter()
            embed_texts([text + " "])  # bypass our cache: measure the model
            embed_ms[threads].append((time.perf_counter() - t0) * 1000)
    anonymizer = Anonymizer("bench")
    messages = ["I live at 221B Baker Street, call +44 20 7946 0958 or mail sh@example.com",
                "I work at Microsoft as a software engineer.", "Where do I live?"] * 700
    anon_ms = []
    for message in messages:
        t0 = time.perf_counter()
        anonymizer.anonymize(message)
        anon_ms.append((time.perf_counter() - t0) * 1000)
    sample_ms = []
    for i in range(5000):
        t0 = time.perf_counter()
        sampling.decide(request_id=f"req_{i}", rate=0.05, slow_ms=100, latency_ms=12.0)
        sample_ms.append((time.perf_counter() - t0) * 1000)
    publisher = BackgroundPublisher(maxsize=100_000)
    publisher._deliver = lambda payload: None  # measure the request side (queue put) only
    submit_ms = []
    for i in range(5000):
        t0 = time.perf_counter()
        publisher.submit({"request_id": f"req_{i}"})
        submit_ms.append((time.perf_counter() - t0) * 1000)
    print("\n| request-path step | p50 ms | p95 ms |")
    print("|---|---|---|")
    steps = [(f"query embedding, MiniLM, one sentence, torch {threads} thread(s)", values)
             for threads, values in embed_ms.items()]
    for label, values in steps + [("PII anonymization of one message", anon_ms),
                                  ("tail-sampling decision", sample_ms),
                                  ("hand the record to the background publisher", submit_ms)]:
        print(f"| {label} | {percentile(values, 50):.3f} | {percentile(values, 95):.3f} |")
    print(f"\nMiniLM in a web process: load {model_load_s:.1f}s, RSS {rss_before:.0f} MB → {rss_model:.0f} MB "
          f"(+{rss_model - rss_before:.0f} MB); peak RSS of this run "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    load_end = os.getloadavg()
    print(f"load average at end {load_end[0]:.2f} (the machine is shared; CPU seconds are the comparable figure)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
