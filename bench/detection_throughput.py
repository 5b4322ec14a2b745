"""Benchmark: detection jobs per second sustained by the Celery worker pool (issue #5; seed 000: > 100/s).

On a private stack (``--var-dir``, default ``/tmp/crt-bench``): writes ``--jobs`` memories with their
pending jobs (many threads, interleaved, as many users would), starts a worker with the given
concurrency, torch threads, embedding batch (``CRT_EMBED_AHEAD``) and job batch (``CRT_DETECTION_BATCH``:
jobs one task claims and processes together), warms it up, publishes every job at once and measures the
time until the last one is done. One configuration per ``--configs`` item,
``CONCURRENCYxTORCH_THREADSxEMBED_AHEADxJOB_BATCH[xPREFETCH]``, each on fresh jobs, in the same run (so
their ratios are meaningful on a shared machine); PREFETCH is the worker's
``CELERY_WORKER_PREFETCH_MULTIPLIER`` (default: the settings' default, 1). The defaults compare today's defaults (``2x1x16x16``) with the
previous ones (``2x1x16x1``: one job per task, embedding batched ahead).

Two ways to start the clock (``--start``): ``prequeued`` (default) puts the messages on a queue
the worker does not consume yet, then tells the worker to consume it (``add_consumer``) and times
from there to the last job done: the pool alone. With coalesced publishing
(``CRT_DETECTION_COALESCE``, the default; services.notify_job) a backlog is one wake-up message,
and each claim publishes the next; with it off, one message per job. ``publish`` calls
``notify_job`` for every job inside the timed window, as the API does after each commit, so the
window also holds the publisher's CPU on the same two cores. ``both`` runs each configuration
twice, once each way. Set ``CRT_DETECTION_COALESCE=false`` or ``CRT_DETECTION_FAST_ACK=false`` in
the environment to measure without them (the worker inherits it).

Usage::

    .venv/bin/python bench/detection_throughput.py [--jobs 2000] [--threads 200] [--configs 2x1x16x16,2x1x16x1]
        [--start prequeued|publish|both]

Prints one summary line per configuration and a final line; exits 1 if a run failed (a job not done
within ``--timeout`` seconds, or a worker that did not start).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402 - sets the environment before Django is imported

# Parsed before Django so --var-dir reaches the settings.
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--jobs", type=int, default=2000, help="jobs per configuration (default 2000)")
parser.add_argument("--threads", type=int, default=200, help="threads (conversations) they are spread over")
parser.add_argument("--configs", default="2x1x16x16,2x1x16x1",
                    help="comma-separated CONCURRENCYxTORCH_THREADSxEMBED_AHEADxJOB_BATCH[xPREFETCH] worker configurations "
                         "(default 2x1x16x16,2x1x16x1; a missing JOB_BATCH is 1, a missing EMBED_AHEAD 16, "
                         "a missing PREFETCH 1)")
parser.add_argument("--start", choices=("prequeued", "publish", "both"), default="prequeued",
                    help="prequeued: messages queued before the clock starts (the pool alone; default); "
                         "publish: published inside the timed window; both: each configuration both ways")
parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per configuration")
parser.add_argument("--var-dir", default="/tmp/crt-bench", help="private embedded servers (default /tmp/crt-bench)")
parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON to this file")
args = parser.parse_args()
ENV = stack.configure(args.var_dir)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from tqdm import tqdm  # noqa: E402
from workload import Conversation  # noqa: E402

from detection import services  # noqa: E402
from detection.models import DetectionJob, DetectionLog, JobStatus  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import override_settings  # noqa: E402
from memory.services import store_memory  # noqa: E402


def write_jobs(user, n: int, threads: int, tag: str) -> list[str]:
    """``n`` memories + pending jobs (not published), round-robin over ``threads`` conversations.

    Written with ``CRT_DETECTION_MODE=off`` so nothing is published on commit: the worker must not
    start on them while they are written, or the measured window (first publish → last done)
    would only cover the tail. (Until 2026-11-22 it did publish on commit, which made every
    earlier figure of this benchmark meaningless; docs/BENCHMARKS.md.)
    """
    conversations = [Conversation(seed=hash((tag, i)) & 0xFFFF) for i in range(threads)]
    ids = []
    with override_settings(CRT_DETECTION_MODE="off"):
        _write(user, n, threads, tag, conversations, ids)
    assert not DetectionJob.objects.filter(job_id__in=ids).exclude(status=JobStatus.PENDING).exists(), \
        "a job was processed before it was published"
    return ids


def _write(user, n: int, threads: int, tag: str, conversations: list, ids: list[str]) -> None:
    for i in tqdm(range(n), desc=f"writing {tag}", unit="msg", disable=None):
        conversation = conversations[i % threads]
        text = conversation.question() if i % 5 == 4 else conversation.statement()
        with transaction.atomic():
            memory = store_memory(owner=user, thread_id=f"{tag}-{i % threads}", text=text)
            ids.append(services.create_detection_job(memory=memory).job_id)


def drain_prequeued(job_ids: list[str], timeout: float, worker_name: str) -> tuple[float, int]:
    """Queue the jobs' messages on a queue nobody consumes, then let the worker consume it; returns
    (seconds from ``add_consumer`` to the last job done, messages queued)."""
    from crtproject.celery import app  # noqa: PLC0415
    from detection.tasks import detect_contradictions  # noqa: PLC0415

    hold = f"{ENV['CRT_CELERY_QUEUE']}-hold-{int(time.time() * 1000)}"
    first_created = min(DetectionJob.objects.filter(job_id__in=job_ids).values_list("created_at", flat=True))
    unfinished = DetectionJob.objects.filter(created_at__gte=first_created).exclude(status=JobStatus.DONE)
    # Coalesced publishing (the default): a backlog has one wake-up in the queue; each claim leaves
    # the next one (services.notify_job). Otherwise: one message per job.
    queued = job_ids[:1] if settings.CRT_DETECTION_COALESCE else job_ids
    services.clear_wakeup()
    for job_id in queued:
        detect_contradictions.apply_async(args=[job_id], task_id=job_id, queue=hold)
    assert not DetectionJob.objects.filter(job_id__in=job_ids).exclude(status=JobStatus.PENDING).exists()
    started = time.time()
    replies = app.control.add_consumer(hold, destination=[worker_name], reply=True, timeout=10)
    if not replies:
        raise RuntimeError(f"worker {worker_name} did not answer add_consumer({hold})")
    stack.wait_for(lambda: not unfinished.exists(), timeout, f"{len(job_ids)} jobs done", poll=0.5)
    last = max(DetectionJob.objects.filter(job_id__in=job_ids).values_list("finished_at", flat=True))
    return last.timestamp() - started, len(queued)


def drain(job_ids: list[str], timeout: float) -> tuple[float, int]:
    """Publish the jobs, wait until all are done; (seconds from first publish to last done, published)."""
    # Jobs written since the first of these and not done yet: one probe of the (status, created_at)
    # index. (Counting `job_id IN (<all ids>)` every 0.25 s cost the driver a quarter of a core,
    # taken from the workers it measures; profiled 2026-11-22.)
    first_created = min(DetectionJob.objects.filter(job_id__in=job_ids).values_list("created_at", flat=True))
    unfinished = DetectionJob.objects.filter(created_at__gte=first_created).exclude(status=JobStatus.DONE)
    started = time.time()
    published = sum(services.notify_job(job_id=job_id) for job_id in job_ids)  # as the API does after commit
    stack.wait_for(lambda: not unfinished.exists(), timeout, f"{len(job_ids)} jobs done", poll=0.5)
    last = max(DetectionJob.objects.filter(job_id__in=job_ids).values_list("finished_at", flat=True))
    return last.timestamp() - started, published


def run_config(user, concurrency: int, torch_threads: int, ahead: int, batch: int, prefetch: int, log_dir: Path,
               start: str) -> dict:
    tag = f"tp{concurrency}x{torch_threads}x{ahead}x{batch}x{prefetch}-{int(time.time())}"
    warm = write_jobs(user, 4 * concurrency, concurrency, tag + "-warm")
    name = f"bench-{concurrency}x{torch_threads}x{ahead}x{batch}x{prefetch}"
    worker = stack.start_worker({**ENV, "CRT_EMBED_AHEAD": str(ahead), "CRT_DETECTION_BATCH": str(batch),
                                 "CELERY_WORKER_PREFETCH_MULTIPLIER": str(prefetch)}, log_dir,
                                name, concurrency, torch_threads)
    try:
        drain(warm, 180)  # model loaded in every pool process
        job_ids = write_jobs(user, args.jobs, args.threads, tag)  # after the warm-up: no batch takes them early
        load_before = stack.machine()
        if start == "prequeued":
            seconds, published = drain_prequeued(job_ids, args.timeout, f"{name}@{socket.gethostname()}")
        else:
            seconds, published = drain(job_ids, args.timeout)
    finally:
        worker.stop()
    logs = DetectionLog.objects.filter(job_id__in=job_ids)
    worker_ms = list(logs.values_list("detection_latency_ms", flat=True))
    sizes = list(logs.values_list("batch_size", flat=True))
    return {
        "start": start, "concurrency": concurrency, "torch_threads": torch_threads, "embed_ahead": ahead, "job_batch": batch,
        "prefetch": prefetch,
        "mean_batch": round(sum(sizes) / len(sizes), 1) if sizes else None,
        "jobs": len(job_ids), "published": published,
        "seconds": round(seconds, 2), "jobs_per_s": round(len(job_ids) / seconds, 1),
        "worker_ms_p50": round(stack.percentile(worker_ms, 0.5), 1),
        "worker_ms_p95": round(stack.percentile(worker_ms, 0.95), 1), "machine_before": load_before,
    }


def main() -> int:
    call_command("migrate", "--no-input", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-throughput")
    log_dir = Path(args.var_dir) / "log"
    results = []
    print(f"machine: {stack.machine()}")
    try:
        for item in args.configs.split(","):
            fields = [int(x) for x in item.lower().split("x")]
            concurrency, torch_threads, ahead, batch, prefetch = (fields + [1, 16, 1, 1][len(fields) - 1:])[:5]
            for start in (("prequeued", "publish") if args.start == "both" else (args.start,)):
                result = run_config(user, concurrency, torch_threads, ahead, batch, prefetch, log_dir, start)
                results.append(result)
                print(f"[{start}] concurrency {concurrency}, torch threads {torch_threads}, embed batch {ahead}, "
                      f"job batch {batch}, prefetch {prefetch}: {result['jobs']} jobs in {result['seconds']} s = {result['jobs_per_s']} "
                      f"jobs/s; worker time per task p50 {result['worker_ms_p50']} ms, p95 {result['worker_ms_p95']} "
                      f"ms; mean batch {result['mean_batch']}; {result['machine_before']}", flush=True)
    except (TimeoutError, RuntimeError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    if args.json:
        args.json.write_text(json.dumps({"machine": stack.machine(), "results": results}, indent=2))
    best = max(results, key=lambda r: r["jobs_per_s"])
    ratio = ""
    if len(results) > 1:
        ratio = f"; {results[0]['jobs_per_s'] / results[1]['jobs_per_s']:.2f}x the second configuration"
    print(f"SUMMARY detection throughput: best {best['jobs_per_s']} jobs/s "
          f"({best['start']}, concurrency {best['concurrency']}, torch threads {best['torch_threads']}, embed batch "
          f"{best['embed_ahead']}, job batch {best['job_batch']}, prefetch {best['prefetch']}){ratio}; seed target > 100 jobs/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
