"""Load test (issue #5, seed 000): API latency with detection on, off, and synchronous (v0.9 design).

On a private stack (``--var-dir``, default ``/tmp/crt-bench``; the project's ``var/`` is never touched)
this starts gunicorn as in the Procfile (2 sync workers) and, for each mode in ``--modes``:

* ``async`` — detection on: jobs published to a Celery worker (``--worker-concurrency`` processes) with
  today's defaults: jobs processed in batches (``CRT_DETECTION_BATCH``), the worker under ``nice -n
  --worker-nice`` (10, as the Procfile) so that gunicorn gets the CPU first;
* ``async-old`` — detection on with the previous defaults (one job per task, worker not niced), on its
  own queue, for the ratio in the same run;
* ``async-NAME`` — detection on with the defaults changed by ``--variant NAME:KEY=VALUE[,KEY=VALUE]``
  (e.g. ``--variant linger500:CRT_DETECTION_LINGER_MS=500 --modes off,async,async-linger500``), on its
  own queue with its own web and worker: two settings compared in one run, against the same ``off``;
* ``off`` — ``CRT_DETECTION_MODE=off``: jobs written, never published (the API without detection);
  after each ``off`` step its pending jobs are deleted, so that the ``async`` worker does not start
  its own step with them (:func:`remove_off_jobs`);
* ``sync`` — ``CRT_DETECTION_MODE=sync``: detection inside the request, as v0.9 did.

All modes' processes run side by side; at each user count of ``--steps`` every mode is measured in
turn (so they share the same background load), with locust headless (``bench/locustfile.py``:
statements and questions, think time 1–3 s) for ``--step-seconds`` and statistics reset after the
ramp-up. A mode stops stepping once its p95 exceeds ``--p95-limit-ms`` (100 ms) or a request fails
(``--no-stop`` runs every step). Reports
per step: request rate, p50/p95/p99, failures, the CPU cores each process role used during the step
(``stack.CpuMeter``: web, each worker, postgres, redis, locust); for ``async`` also the write → ledger
latency of the step's messages (share within 1, 2, 5 s; after the queue drained) and the detection
jobs per second.

Usage::

    .venv/bin/python bench/load_test.py [--modes off,async,sync] [--steps 10,25,50,100,150,200,300]
                                        [--step-seconds 30] [--no-stop] [--json results.json]

Prints tables, then one ``SUMMARY`` line; exits 1 if the run itself failed (a process did not start,
locust crashed, the queue never drained).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402 - sets the environment before Django is imported

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--modes", default="off,async,sync",
                    help="comma-separated: off, async, async-old, async-NAME (see --variant), sync (default off,async,sync)")
parser.add_argument("--variant", action="append", default=[], metavar="NAME:KEY=VALUE[,KEY=VALUE]",
                    help="settings of mode async-NAME (repeatable), e.g. linger500:CRT_DETECTION_LINGER_MS=500")
parser.add_argument("--worker-nice", type=int, default=10, help="nice value of the async worker (Procfile: 10)")
parser.add_argument("--steps", default="10,25,50,100,150,200,300", help="simulated users per step")
parser.add_argument("--step-seconds", type=int, default=30, help="duration of each step (default 30)")
parser.add_argument("--p95-limit-ms", type=float, default=100.0, help="stop stepping above this p95 (default 100)")
parser.add_argument("--no-stop", action="store_true", help="run every step even past the limit (full curve)")
parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers (Procfile default 2)")
parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery pool processes (default 2)")
parser.add_argument("--accounts", type=int, default=50, help="API users the simulated users share")
parser.add_argument("--var-dir", default="/tmp/crt-bench", help="private embedded servers (default /tmp/crt-bench)")
parser.add_argument("--json", type=Path, default=None, help="also write all results as JSON here")
args = parser.parse_args()
ENV = stack.configure(args.var_dir)


def parse_variants(specs: list[str]) -> dict[str, dict[str, str]]:
    """``["linger500:CRT_DETECTION_LINGER_MS=500"]`` → ``{"async-linger500": {...}}``; exits 2 on a bad spec."""
    variants = {}
    for spec in specs:
        name, _, assignments = spec.partition(":")
        pairs = [a.partition("=") for a in assignments.split(",") if a]
        if not name or not pairs or any(not key or not sep for key, sep, _ in pairs):
            parser.error(f"--variant {spec!r}: expected NAME:KEY=VALUE[,KEY=VALUE]")
        variants[f"async-{name}"] = {key: value for key, _, value in pairs}
    return variants


VARIANTS = parse_variants(args.variant)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from detection.models import DetectionJob, DetectionLog, JobStatus  # noqa: E402

LOG_DIR = Path(args.var_dir) / "log"


def tokens_file() -> Path:
    keys = []
    for i in range(args.accounts):
        user, _ = get_user_model().objects.get_or_create(username=f"load{i}")
        keys.append(Token.objects.get_or_create(user=user)[0].key)
    path = Path(args.var_dir) / "tokens.json"
    path.write_text(json.dumps(keys))
    return path


def warm_up(url: str, token: str, thread: str, requests_n: int = 20) -> None:
    """Every web worker answers (sync mode: loads the model in each) before measuring."""
    import requests  # noqa: PLC0415
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    def one(i):
        response = requests.post(f"{url}/api/chat/send", json={"thread_id": thread, "message": f"Warm-up message number {i}."},
                                 headers={"Authorization": f"Token {token}"}, timeout=180)
        response.raise_for_status()

    with ThreadPoolExecutor(max_workers=args.web_workers) as pool:
        list(pool.map(one, range(requests_n)))


def run_locust(url: str, users: int, run_tag: str, tokens: Path) -> dict:
    seconds = args.step_seconds
    prefix = LOG_DIR / run_tag
    spawn_rate = max(10, users // 2)
    argv = [sys.executable, "-m", "locust", "-f", str(stack.ROOT / "bench" / "locustfile.py"), "--headless",
            "--host", url, "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--reset-stats",
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5"]
    env = {**ENV, "CRT_BENCH_TOKENS": str(tokens), "CRT_BENCH_RUN": run_tag}
    scraped: dict[str, float] = {}
    scraper = threading.Timer(seconds / 2, lambda: scraped.update(scrape_metrics(url)))
    started = time.time()
    scraper.start()
    meter = stack.CpuMeter().start()
    result = subprocess.run(argv, cwd=stack.ROOT, env=env, capture_output=True, text=True,
                            timeout=seconds + 120)
    cpu_cores = meter.stop()
    ended = time.time()
    scraper.join()
    stats_path = Path(f"{prefix}_stats.csv")
    if not stats_path.exists():
        raise RuntimeError(f"locust wrote no statistics (exit {result.returncode}):\n{result.stderr[-3000:]}")
    rows = {row["Name"]: row for row in csv.DictReader(stats_path.open())}
    total = rows["Aggregated"]
    measured_s = seconds - users / spawn_rate  # statistics were reset after the ramp-up
    return {
        "users": users, "requests": int(total["Request Count"]), "failures": int(total["Failure Count"]),
        "rps": round(int(total["Request Count"]) / measured_s, 1),
        "p50_ms": float(total["50%"]), "p95_ms": float(total["95%"]), "p99_ms": float(total["99%"]),
        "started": started, "ended": ended, "load_average": round(os.getloadavg()[0], 2),
        "metrics_mid_step": scraped, "cpu_cores": cpu_cores,
    }


def scrape_metrics(url: str) -> dict[str, float]:
    """GET /metrics once; the number of samples of each ``crt_`` family (proof the series are live)."""
    import requests  # noqa: PLC0415

    families: dict[str, float] = {}
    try:
        text = requests.get(f"{url}/metrics", timeout=10).text
    except requests.RequestException as exc:
        return {"error": str(exc)}
    for line in text.splitlines():
        if line.startswith("crt_"):
            name = line.split("{")[0].split(" ")[0]
            families[name] = families.get(name, 0) + 1
    return families


def detection_figures(run_tag: str, started: float, ended: float) -> dict:
    """Write → ledger latency of the step's messages, once every job of the step is done."""
    jobs = DetectionJob.objects.filter(thread_id__startswith=run_tag)
    stack.wait_for(lambda: not jobs.exclude(status=JobStatus.DONE).exists(), 300, f"jobs of {run_tag} to finish",
                   poll=0.5)
    e2e = [ms / 1000 for ms in DetectionLog.objects.filter(job__thread_id__startswith=run_tag)
           .values_list("end_to_end_ms", flat=True)]
    finished = [t.timestamp() for t in jobs.values_list("finished_at", flat=True)]
    in_step = sum(1 for t in finished if started <= t <= ended)
    return {
        "jobs": len(e2e), "jobs_per_s_during_step": round(in_step / max(ended - started, 1e-9), 1),
        "within_1s": round(sum(x <= 1 for x in e2e) / len(e2e), 4) if e2e else None,
        "within_2s": round(sum(x <= 2 for x in e2e) / len(e2e), 4) if e2e else None,
        "within_5s": round(sum(x <= 5 for x in e2e) / len(e2e), 4) if e2e else None,
        "e2e_p50_s": round(stack.percentile(e2e, 0.5), 3), "e2e_p95_s": round(stack.percentile(e2e, 0.95), 3),
        "e2e_p99_s": round(stack.percentile(e2e, 0.99), 3),
    }


def remove_off_jobs(run_tag: str) -> int:
    """Delete the still-pending jobs the ``off`` step wrote; returns how many.

    All modes share one database, and a claim takes the oldest pending jobs first
    (:func:`detection.services.run_detection_batch`): left behind, the ``off`` step's jobs (one per
    statement, ~700 in a 60-second step at 25 users) would be the first work of the ``async`` step
    that follows it, so that step would measure this backlog, not the load of its own users. Found
    in session 5: every ``off`` job of earlier runs had been detected by the ``async`` worker.
    """
    pending = DetectionJob.objects.filter(thread_id__startswith=run_tag, status=JobStatus.PENDING)
    return pending.delete()[1].get(DetectionJob._meta.label, 0)


class ModeStack:
    """The web process (and, for ``async``, the worker) of one mode, warmed up."""

    def __init__(self, mode: str, tokens: Path):
        self.mode = mode
        port = stack.free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.detecting = mode.startswith("async")
        if mode == "async-old":
            env = {**ENV, "CRT_CELERY_QUEUE": "crt-bench-old", "CRT_DETECTION_BATCH": "1"}
        elif mode in VARIANTS:
            env = {**ENV, "CRT_CELERY_QUEUE": f"crt-bench-{mode}", **VARIANTS[mode]}
        elif mode.startswith("async-"):
            raise RuntimeError(f"mode {mode}: no --variant {mode[len('async-'):]}:KEY=VALUE given")
        else:
            env = ENV
        self.web = stack.start_web(env, LOG_DIR, port, workers=args.web_workers,
                                   mode="async" if self.detecting else mode)
        self.worker = (stack.start_worker(env, LOG_DIR, f"load-worker-{mode}", args.worker_concurrency,
                                          nice=0 if mode == "async-old" else args.worker_nice)
                       if self.detecting else None)
        warm_thread = f"warm-up-{mode}-{int(time.time())}"
        warm_up(self.url, json.loads(tokens.read_text())[0], warm_thread)
        if self.detecting:  # the pool processes have loaded the model once the warm-up jobs are done
            warm = DetectionJob.objects.filter(thread_id=warm_thread)
            stack.wait_for(lambda: not warm.exclude(status=JobStatus.DONE).exists(), 300, "worker warm-up", poll=0.5)
        elif mode == "off":
            remove_off_jobs(warm_thread)

    def step(self, users: int, tokens: Path) -> dict:
        run_tag = f"{self.mode}-{users}-{int(time.time())}"
        step = run_locust(self.url, users, run_tag, tokens)
        if self.detecting:
            step["detection"] = detection_figures(run_tag, step["started"], step["ended"])
        elif self.mode == "off":
            step["off_jobs_removed"] = remove_off_jobs(run_tag)
        print(f"  {self.mode:9} {users:4d} users: {step['rps']:7.1f} req/s  p50 {step['p50_ms']:6.0f} ms  "
              f"p95 {step['p95_ms']:6.0f} ms  p99 {step['p99_ms']:6.0f} ms  failures {step['failures']}  "
              f"load {step['load_average']}  /metrics mid-step: {len(step['metrics_mid_step'])} crt_ series"
              + (f"  | write->ledger within 1/2/5 s: {step['detection']['within_1s']:.1%} / "
                 f"{step['detection']['within_2s']:.1%} / {step['detection']['within_5s']:.1%}, "
                 f"p95 {step['detection']['e2e_p95_s']} s, {step['detection']['jobs_per_s_during_step']} jobs/s"
                 if self.detecting else "")
              + "\n      CPU cores used: " + ", ".join(f"{role} {cores:.2f}" for role, cores in step["cpu_cores"].items()),
              flush=True)
        return step

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        self.web.stop()


def run_modes(modes: list[str], tokens: Path) -> dict[str, list[dict]]:
    """Step the user count; at each step run every mode still within the limit, one after another,
    so that all modes see the same background load on a shared machine."""
    stacks = {}
    results: dict[str, list[dict]] = {mode: [] for mode in modes}
    try:
        for mode in modes:
            stacks[mode] = ModeStack(mode, tokens)
        active = list(modes)
        for users in (int(x) for x in args.steps.split(",")):
            print(f"{users} users:", flush=True)
            for mode in list(active):
                step = stacks[mode].step(users, tokens)
                results[mode].append(step)
                if not args.no_stop and (step["p95_ms"] > args.p95_limit_ms or step["failures"]):
                    active.remove(mode)
            if not active:
                break
    finally:
        for mode_stack in stacks.values():
            mode_stack.stop()
    return results


def sustained(steps: list[dict]) -> dict | None:
    """The highest step within the p95 limit and without failures."""
    good = [s for s in steps if s["p95_ms"] <= args.p95_limit_ms and not s["failures"]]
    return good[-1] if good else None


def main() -> int:
    call_command("migrate", "--no-input", verbosity=0)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    tokens = tokens_file()
    print(f"machine: {stack.machine()}")
    try:
        results = run_modes(args.modes.split(","), tokens)
    except (RuntimeError, TimeoutError, subprocess.TimeoutExpired) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    if args.json:
        args.json.write_text(json.dumps({"machine": stack.machine(), "args": vars(args) | {"json": str(args.json)},
                                         "results": results}, indent=2, default=str))
    parts = []
    for mode, steps in results.items():
        best = sustained(steps)
        parts.append(f"{mode}: " + (f"{best['rps']} req/s at {best['users']} users, p95 {best['p95_ms']:.0f} ms"
                                     if best else "no step within the limit"))
    for detecting in [mode for mode in results if mode.startswith("async")]:
        if "off" in results and detecting in results:
            off = {s["users"]: s for s in results["off"]}
            ratios = [f"{s['users']}u {s['p95_ms'] / off[s['users']]['p95_ms']:.2f}" for s in results[detecting]
                      if s["users"] in off and off[s["users"]]["p95_ms"]]
            within = [f"{s['users']}u {s['detection']['within_5s']:.0%}" for s in results[detecting]
                      if s.get("detection") and s["detection"]["within_5s"] is not None]
            parts.append(f"p95 {detecting}/off " + ", ".join(ratios) + f"; {detecting} write->ledger within 5 s "
                         + ", ".join(within))
    print("SUMMARY load test: " + "; ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
