"""Replay a sample conversation through the running HTTP API and report the ledger it produced.

Used by ``./crt demo``. Each line of the JSONL file is one user turn::

    {"day": 12, "text": "I work at Amazon now.", "expect_contradiction": true}

The command creates (or reuses) a demo user with an API token and a fresh random admin password,
waits for the web server and a Celery worker, posts every turn to ``/api/chat/send`` in a new
thread, waits for all detection jobs, then prints the ledger as a table and the detection
latencies (p50/p95). Exit status 1 if the server/worker never came up, a job did not finish in
time, or the detected contradictions do not match the turns marked ``expect_contradiction``.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import numpy as np
import requests
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token
from tqdm import tqdm

from crtproject.celery import app as celery_app
from detection.models import DetectionJob, DetectionLog, JobStatus


class Command(BaseCommand):
    help = "Replay a JSONL conversation through the HTTP API, wait for detection, print the ledger."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="JSONL file, one turn per line")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="where the web process listens")
        parser.add_argument("--username", default="demo", help="demo user (created if missing)")
        parser.add_argument("--thread-id", default=None, help="thread to use (default: a new demo-<time> thread)")
        parser.add_argument("--timeout", type=float, default=180.0,
                            help="seconds to wait for the server, the worker and the jobs (default 180)")

    def handle(self, *args, **options):
        turns = self._read_turns(options["file"])
        user, token, password = self._demo_user(options["username"])
        base = options["base_url"].rstrip("/")
        deadline = time.monotonic() + options["timeout"]
        self._wait_for_web(base, deadline)
        self._wait_for_worker(deadline)
        thread_id = options["thread_id"] or time.strftime("demo-%Y%m%d-%H%M%S")
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        self._warm_up_workers(session, base, thread_id, deadline)

        self.stdout.write(self.style.MIGRATE_HEADING(f"\nReplaying {len(turns)} turns into thread {thread_id}\n"))
        job_ids = []
        for turn in turns:
            response = session.post(f"{base}/api/chat/send", json={"thread_id": thread_id, "message": turn["text"]},
                                    timeout=30)
            if response.status_code != 200:
                raise CommandError(f"POST /api/chat/send returned {response.status_code}: {response.text[:300]}")
            body = response.json()
            job_ids.append(body["metadata"]["detection_job_id"])
            self.stdout.write(f"  day {turn.get('day', '?'):>3}  you: {turn['text']}")
            if turn["text"].rstrip().endswith("?"):
                self.stdout.write(f"           crt: {body['answer']}")

        self._wait_for_jobs(job_ids, deadline)
        entries = session.get(f"{base}/api/contradictions", params={"thread_id": thread_id}, timeout=30).json()
        ok = self._report(turns, job_ids, entries["contradictions"], session, base, thread_id)
        self.stdout.write(f"\nAPI token for user '{user.username}': {token}")
        self.stdout.write(f"Admin login: {user.username} / {password}  (new random password each demo run)")
        if not ok:
            raise CommandError("the detected contradictions differ from the sample's expectations")

    # ------------------------------------------------------------------ helpers
    def _read_turns(self, path: Path) -> list[dict]:
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        turns = []
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                turn = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}:{number}: not JSON ({exc})")
            if not isinstance(turn.get("text"), str) or not turn["text"].strip():
                raise CommandError(f"{path}:{number}: 'text' must be a non-empty string")
            turns.append(turn)
        return turns

    def _demo_user(self, username: str):
        user, _ = get_user_model().objects.get_or_create(username=username)
        password = secrets.token_urlsafe(12)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        token, _ = Token.objects.get_or_create(user=user)
        return user, token.key, password

    def _wait_for_web(self, base: str, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise CommandError(f"the web process did not answer at {base}/health")

    def _wait_for_worker(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if celery_app.control.ping(timeout=1.0):
                return
        raise CommandError("no Celery worker answered a ping")

    def _warm_up_workers(self, session, base: str, thread_id: str, deadline: float) -> None:
        """One message per worker process, in a side thread, so that the measured latencies of
        the replay do not include each process's one-off model load (~7-10 s here)."""
        stats = celery_app.control.inspect(timeout=2.0).stats() or {}
        processes = sum(s.get("pool", {}).get("max-concurrency", 1) for s in stats.values()) or 1
        self.stdout.write(f"Warming up {processes} worker process(es) (loading the embedding model)...")
        job_ids = []
        for number in range(processes):
            response = session.post(f"{base}/api/chat/send", timeout=30,
                                    json={"thread_id": f"{thread_id}-warmup", "message": f"Warm-up message {number}."})
            response.raise_for_status()
            job_ids.append(response.json()["metadata"]["detection_job_id"])
        self._wait_for_jobs(job_ids, deadline, quiet=True)

    def _wait_for_jobs(self, job_ids: list[str], deadline: float, quiet: bool = False) -> None:
        with tqdm(total=len(job_ids), desc="detection jobs", unit="job", disable=quiet) as bar:
            done = 0
            while time.monotonic() < deadline:
                now_done = DetectionJob.objects.filter(job_id__in=job_ids, status=JobStatus.DONE).count()
                bar.update(now_done - done)
                done = now_done
                if done == len(job_ids):
                    return
                time.sleep(0.2)
        raise CommandError(f"only {done} of {len(job_ids)} detection jobs finished in time")

    def _report(self, turns, job_ids, entries, session, base, thread_id) -> bool:
        self.stdout.write(self.style.MIGRATE_HEADING("\nContradiction ledger"))
        header = f"  {'#':>2}  {'slot':<10} {'old value':<22} {'new value':<22} {'type':<9} {'conf':>4}  status"
        self.stdout.write(header)
        self.stdout.write("  " + "-" * (len(header) - 2))
        for number, entry in enumerate(sorted(entries, key=lambda e: e["timestamp"]), start=1):
            self.stdout.write(
                f"  {number:>2}  {entry['slot']:<10} {entry['old_value'][:22]:<22} {entry['new_value'][:22]:<22} "
                f"{entry['contradiction_type']:<9} {entry['confidence']:>4.2f}  {entry['status']}"
            )
        logs = list(DetectionLog.objects.filter(job_id__in=job_ids))
        processing = np.array([log.detection_latency_ms for log in logs], dtype=float)
        end_to_end = np.array([log.end_to_end_ms for log in logs if log.end_to_end_ms is not None], dtype=float)
        self.stdout.write(self.style.MIGRATE_HEADING("\nDetection latency over %d jobs" % len(logs)))
        self.stdout.write(f"  worker processing   p50 {np.percentile(processing, 50):7.1f} ms   "
                          f"p95 {np.percentile(processing, 95):7.1f} ms")
        self.stdout.write(f"  write -> ledger     p50 {np.percentile(end_to_end, 50):7.1f} ms   "
                          f"p95 {np.percentile(end_to_end, 95):7.1f} ms")
        flagged = {e["new_memory_id"] for e in entries}
        memory_of_job = dict(DetectionJob.objects.filter(job_id__in=job_ids).values_list("job_id", "memory_id"))
        expected = [bool(t.get("expect_contradiction")) for t in turns]
        got = [memory_of_job[job_id] in flagged for job_id in job_ids]
        misses = [t["text"] for t, e, g in zip(turns, expected, got) if e and not g]
        extras = [t["text"] for t, e, g in zip(turns, expected, got) if g and not e]
        self.stdout.write(f"\n  expected contradictions: {sum(expected)}, turns flagged: {sum(got)}")
        for text in misses:
            self.stdout.write(self.style.ERROR(f"  missed: {text}"))
        for text in extras:
            self.stdout.write(self.style.WARNING(f"  unexpected: {text}"))
        return not misses and not extras
