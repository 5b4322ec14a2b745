"""A private CRT stack for fault injection: its own embedded PostgreSQL and Redis, web, workers, beat.

Nothing here touches the embedded servers under the project's var/ (other test sessions and a
demo may be using them): every child process gets ``CRT_VAR_DIR=/tmp/crt-fault-<pid>`` (a short
path: unix socket paths must stay under ~100 bytes), its own database ``crt`` on that cluster and
its own queue. The test process itself talks to the stack over HTTP and psycopg only. Timeouts of
the pipeline are shortened through the environment (visibility timeout, outbox delays, backoff)
so that recoveries take seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import psycopg
import pytest
import requests

from .scenario import Turn, expected_pairs

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable

#: Pipeline timings of the fault stack (production defaults in crtproject/settings.py).
FAULT_ENV = {
    "CRT_CELERY_QUEUE": "crt-fault",
    "CRT_BROKER_VISIBILITY_TIMEOUT_S": "8",
    "CRT_OUTBOX_REPUBLISH_AFTER_S": "3",
    "CRT_OUTBOX_SWEEP_S": "2",
    "CRT_STALE_RUNNING_S": "15",
    "CRT_DETECTION_RETRY_BACKOFF_MAX_S": "4",
    "CRT_PUBLISH_BACKOFF_S": "1",
    "CRT_EMBEDDED_GRACE_S": "3",
    "CONN_MAX_AGE": "60",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Proc:
    """A child process in its own session (so its whole process group can be killed)."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "ab")
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def children(self) -> list[int]:
        try:
            return [p.pid for p in psutil.Process(self.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kill9(self) -> None:
        """SIGKILL the process and everything in its group (e.g. a worker and its pool)."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=30)
        self._log.close()

    def stop(self, timeout: float = 30) -> None:
        if self.alive():
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.popen.wait()
        self._log.close()


class FaultStack:
    """Web (gunicorn), workers and beat on private embedded servers; helpers to break them."""

    def __init__(self, var_dir: Path, log_dir: Path):
        self.var_dir = var_dir
        self.log_dir = log_dir
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
        self.env = {**env, **FAULT_ENV, "CRT_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "crtproject.settings",
                    "PROMETHEUS_MULTIPROC_DIR": str(var_dir / "prometheus"), "PYTHONUNBUFFERED": "1",
                    "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.web: Proc | None = None
        self.beat: Proc | None = None
        self.workers: list[Proc] = []
        self._users = 0
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ processes
    def run(self, *argv: str, timeout: float = 300) -> str:
        result = subprocess.run([PY, *argv], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"{argv} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    def start_web(self) -> None:
        self.web = Proc("web", [PY, "-m", "gunicorn", "crtproject.wsgi", "--bind", f"127.0.0.1:{self.port}",
                                "--workers", "2", "--graceful-timeout", "5"], self.env, self.log_dir)
        self.wait_for(lambda: self._get_ok("/health"), 60, "web /health")

    def start_beat(self) -> None:
        self.beat = Proc("beat", [PY, "-m", "celery", "-A", "crtproject", "beat", "--loglevel", "INFO",
                                  "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--pidfile="],
                         self.env, self.log_dir)

    def ensure_beat(self) -> None:
        if self.beat is None or not self.beat.alive():
            self.start_beat()

    def start_worker(self, name: str, concurrency: int = 1) -> Proc:
        worker = Proc(name, [PY, "-m", "celery", "-A", "crtproject", "worker", "--loglevel", "INFO",
                             "--concurrency", str(concurrency), "--hostname", f"{name}@%h"], self.env, self.log_dir)
        self.workers.append(worker)
        self.wait_for(lambda: "ready." in worker.log_text() or not worker.alive(), 120, f"{name} ready")
        assert worker.alive(), worker.log_text()[-3000:]
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers.clear()

    # ------------------------------------------------------------------ servers
    def status(self) -> dict:
        return json.loads(self.run(str(ROOT / "crtproject" / "embedded.py"), "status"))

    def kill_server(self, which: str) -> None:
        """Stop PostgreSQL (fast shutdown) or Redis (SIGTERM: saves and exits) under the running stack."""
        pid = self.status()[f"{which}_pid"]
        assert pid, f"{which} is not running"
        os.kill(pid, signal.SIGINT if which == "postgres" else signal.SIGTERM)
        self.wait_for(lambda: not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE,
                      30, f"{which} stopped")

    def start_servers(self) -> None:
        """Start whichever embedded server is down (a short-lived client process does it)."""
        self.run("-c", "import sys; sys.path.insert(0, '.'); from crtproject import embedded; "
                       "embedded.ensure_postgres(); embedded.ensure_redis()")

    def db(self) -> psycopg.Connection:
        """A psycopg connection to the stack's database (autocommit)."""
        lines = (self.var_dir / "pg" / "postmaster.pid").read_text().splitlines()
        return psycopg.connect(f"postgresql://postgres:@/crt?host={lines[4].strip()}&port={lines[3].strip()}",
                               autocommit=True)

    def query(self, sql: str, params=()) -> list[tuple]:
        with self.db() as conn:
            return conn.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ API
    def new_user(self) -> requests.Session:
        """A fresh user with an API token; returns an authenticated session."""
        with self._lock:
            self._users += 1
            username = f"fault{self._users}"
        out = self.run("manage.py", "shell", "-c",
                       "from django.contrib.auth import get_user_model; from rest_framework.authtoken.models import Token; "
                       f"u = get_user_model().objects.create_user('{username}'); print(Token.objects.create(user=u).key)")
        session = requests.Session()
        session.headers["Authorization"] = f"Token {out.strip().splitlines()[-1]}"
        session.username = username
        return session

    def post(self, session: requests.Session, thread: str, text: str) -> requests.Response:
        return session.post(f"{self.base_url}/api/chat/send", json={"thread_id": thread, "message": text}, timeout=60)

    def post_conversations(self, session: requests.Session, conversations: dict[str, list[Turn]],
                           statuses: list[int] | None = None) -> dict[str, list[str]]:
        """Post each thread's turns in order, the threads concurrently; returns memory ids per thread.

        Every response status is appended to ``statuses``; a non-200 answer leaves ``None`` as
        that turn's memory id.
        """
        def one_thread(thread: str) -> list[str]:
            ids = []
            for turn in conversations[thread]:
                response = self.post(session, thread, turn.text)
                if statuses is not None:
                    statuses.append(response.status_code)
                ids.append(response.json()["metadata"]["memory_id"] if response.status_code == 200 else None)
            return ids

        with ThreadPoolExecutor(max_workers=len(conversations)) as pool:
            futures = {thread: pool.submit(one_thread, thread) for thread in conversations}
            return {thread: future.result() for thread, future in futures.items()}

    def warm_up(self, session: requests.Session, timeout: float = 120) -> None:
        """One job through the pipeline (first jobs of fresh workers wait for the model load)."""
        job_id = self.post(session, "warm-up", "Hello there.").json()["metadata"]["detection_job_id"]
        self.wait_for(lambda: self.job_status(job_id) == "done", timeout, "warm-up job")

    # ------------------------------------------------------------------ state
    def job_status(self, job_id: str) -> str | None:
        rows = self.query("SELECT status FROM detection_detectionjob WHERE job_id = %s", (job_id,))
        return rows[0][0] if rows else None

    def jobs_of(self, username: str) -> dict[str, int]:
        rows = self.query("SELECT j.status, count(*) FROM detection_detectionjob j JOIN auth_user u ON u.id = j.owner_id "
                          "WHERE u.username = %s GROUP BY j.status", (username,))
        return dict(rows)

    def wait_all_done(self, username: str, total: int, timeout: float) -> dict[str, int]:
        self.wait_for(lambda: self.jobs_of(username).get("done", 0) >= total, timeout,
                      f"{total} jobs of {username} done", detail=lambda: self.jobs_of(username))
        return self.jobs_of(username)

    def ledger_pairs(self, username: str) -> list[tuple[str, str, str]]:
        return self.query("SELECT e.memory_a_id, e.memory_b_id, e.slot FROM ledger_contradictionentry e "
                          "JOIN auth_user u ON u.id = e.owner_id WHERE u.username = %s", (username,))

    def assert_each_expected_contradiction_once(self, username: str, conversations: dict[str, list[Turn]],
                                                memory_ids: dict[str, list[str]]) -> int:
        expected = set()
        for thread, turns in conversations.items():
            expected |= expected_pairs(turns, memory_ids[thread])
        found = self.ledger_pairs(username)
        missing = expected - set(found)
        assert not missing, f"{len(missing)} of {len(expected)} expected contradictions missing: {sorted(missing)[:5]}"
        per_new = {}
        for a, b, slot in found:
            per_new.setdefault((b, slot), []).append(a)
        duplicated = {key: olds for key, olds in per_new.items() if len(olds) > 1}
        assert not duplicated, f"contradictions recorded more than once: {duplicated}"
        return len(expected)

    def assert_one_log_per_job(self, username: str) -> None:
        rows = self.query("SELECT count(*), count(DISTINCT l.job_id) FROM detection_detectionlog l "
                          "JOIN auth_user u ON u.id = l.owner_id WHERE u.username = %s", (username,))
        jobs = sum(self.jobs_of(username).values())
        assert rows[0] == (jobs, jobs), f"logs {rows[0]} for {jobs} jobs"

    # ------------------------------------------------------------------ helpers
    def _get_ok(self, path: str) -> bool:
        try:
            return requests.get(self.base_url + path, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def logs(self) -> str:
        parts = []
        for proc in [self.web, self.beat, *self.workers]:
            if proc is not None:
                parts.append(f"--- {proc.name}\n{proc.log_text()[-3000:]}")
        return "\n".join(parts)

    def wait_for(self, predicate, timeout: float, what: str, detail=None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        if predicate():
            return
        extra = f" ({detail()})" if detail else ""
        pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}{extra}\n{self.logs()}")

    def close(self) -> None:
        self.stop_workers()
        for proc in (self.beat, self.web):
            if proc is not None:
                proc.stop()
        subprocess.run([PY, str(ROOT / "crtproject" / "embedded.py"), "stop", "--force"], cwd=ROOT, env=self.env,
                       capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def fault_stack(tmp_path_factory):
    """The private stack, migrated, with web and beat running (workers are per test)."""
    var_dir = Path(f"/tmp/crt-fault-{os.getpid()}")
    subprocess.run(["rm", "-rf", str(var_dir)], check=False)
    stack = FaultStack(var_dir, tmp_path_factory.mktemp("fault-logs"))
    try:
        stack.run("manage.py", "migrate", "--no-input", "-v", "0")
        stack.start_web()
        stack.start_beat()
        yield stack
    finally:
        stack.close()
        subprocess.run(["rm", "-rf", str(var_dir)], check=False)


@pytest.fixture
def stack(fault_stack):
    """The fault stack with its servers up and beat alive; stops this test's workers afterwards."""
    fault_stack.start_servers()
    fault_stack.ensure_beat()
    yield fault_stack
    fault_stack.stop_workers()
