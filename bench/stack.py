"""A private CRT stack for the pipeline benchmarks: own embedded servers, gunicorn, Celery workers.

Workers log at WARNING unless ``CRT_BENCH_WORKER_LOGLEVEL`` says otherwise (INFO shows each
detection batch and task time in ``<var-dir>/log/``, for profiling).

Import this module **before Django**: it points the process at ``--var-dir`` (default
``/tmp/crt-bench``) so the benchmark never touches the servers under the project's ``var/`` that
tests or a demo may be using, and it keeps Prometheus files in that directory too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def configure(var_dir: str, queue: str = "crt-bench") -> dict[str, str]:
    """Point this process (and the children it starts) at a private stack; returns the child env."""
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.update({
        "CRT_VAR_DIR": var_dir, "CRT_CELERY_QUEUE": queue, "DJANGO_SETTINGS_MODULE": "crtproject.settings",
        "PROMETHEUS_MULTIPROC_DIR": str(Path(var_dir) / "prometheus"), "PYTHONUNBUFFERED": "1",
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
    })
    sys.path.insert(0, str(ROOT))
    return dict(os.environ)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Proc:
    """A child process in its own session, logging to ``<log_dir>/<name>.log``."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        log_dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "ab")
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 60) -> None:
        """SIGTERM the process group (warm shutdown), SIGKILL after ``timeout`` seconds."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        self._log.close()


def wait_for(predicate, timeout: float, what: str, poll: float = 0.1) -> None:
    """Poll ``predicate`` until true; raises ``TimeoutError`` naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(poll)
    if not predicate():
        raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def start_web(env: dict, log_dir: Path, port: int, workers: int = 2, mode: str = "async") -> Proc:
    """gunicorn as in the Procfile (sync workers), with ``CRT_DETECTION_MODE=mode``."""
    import requests  # noqa: PLC0415

    proc = Proc(f"web-{mode}", [PY, "-m", "gunicorn", "crtproject.wsgi", "--bind", f"127.0.0.1:{port}",
                                "--workers", str(workers), "--graceful-timeout", "10"],
                {**env, "CRT_DETECTION_MODE": mode}, log_dir)

    def healthy() -> bool:
        if not proc.alive():
            raise RuntimeError(f"web exited:\n{proc.log_text()[-3000:]}")
        try:
            return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_for(healthy, 60, "web /health")
    return proc


def start_worker(env: dict, log_dir: Path, name: str, concurrency: int = 2, torch_threads: int = 1,
                 nice: int = 0) -> Proc:
    """A Celery worker as in the Procfile (``nice`` > 0 runs it under ``nice -n``, as the Procfile's
    ``CRT_WORKER_NICE`` does); returns once it logged ``ready.``."""
    argv = [PY, "-m", "celery", "-A", "crtproject", "worker", "--loglevel", os.environ.get("CRT_BENCH_WORKER_LOGLEVEL", "WARNING"),
            "--concurrency", str(concurrency), "--hostname", f"{name}@%h"]
    proc = Proc(name, (["nice", "-n", str(nice)] if nice else []) + argv,
                {**env, "CRT_TORCH_THREADS": str(torch_threads), "CRT_DETECTION_MODE": "async"}, log_dir)
    # WARNING level hides "ready."; celery prints its banner to stdout regardless.
    wait_for(lambda: "[queues]" in proc.log_text() or not proc.alive(), 120, f"{name} start")
    if not proc.alive():
        raise RuntimeError(f"worker exited:\n{proc.log_text()[-3000:]}")
    return proc


#: Process roles of :class:`CpuMeter`, matched in this order against a process's command line.
CPU_ROLES = (("web", "gunicorn"), ("worker", "celery"), ("postgres", "postgres"), ("redis", "redis-server"),
             ("locust", "locust"))


class CpuMeter:
    """CPU time used by each process role (web, worker, postgres, redis, locust, other) while it runs.

    A thread samples every process's user + system time each ``interval`` seconds (psutil) and adds
    each process's increase since its previous sample to its role, so that processes which start
    during the measurement count from their start, and processes which exit lose at most one
    interval. :meth:`stop` returns ``{role: cores}`` (CPU seconds / wall seconds; 2.0 = both cores
    of this machine busy). Roles come from the command line (:data:`CPU_ROLES`); a Celery worker's
    role is ``worker:<hostname>``, so two workers are told apart.
    """

    def __init__(self, interval: float = 1.0):
        import threading  # noqa: PLC0415

        self.interval, self._seen, self._used = interval, {}, {}
        self._started_sampling, self._began = False, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _role(cmdline: list[str]) -> str:
        text = " ".join(cmdline)
        for role, needle in CPU_ROLES:
            if needle in text:
                if role == "worker" and "--hostname" in cmdline:
                    return "worker:" + cmdline[cmdline.index("--hostname") + 1].split("@")[0]
                return role
        return "other"

    def _sample(self) -> None:
        import psutil  # noqa: PLC0415 - a locust dependency, pinned in requirements.txt

        for proc in psutil.process_iter(["cmdline", "cpu_times"]):
            times = proc.info["cpu_times"]
            try:
                key = (proc.pid, proc.create_time())
            except psutil.Error:  # exited meanwhile
                continue
            if times is None:
                continue
            total = times.user + times.system
            if key not in self._seen:
                self._seen[key] = (self._role(proc.info["cmdline"] or []), total if self._started_sampling else 0.0)
            role, before = self._seen[key]
            self._used[role] = self._used.get(role, 0.0) + (total - before)
            self._seen[key] = (role, total)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self) -> "CpuMeter":
        """Take the baseline sample (processes alive now count from here) and start sampling."""
        self._started_sampling = True
        self._sample()
        self._used.clear()
        self._started_sampling = False
        self._began = time.monotonic()
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        """Stop sampling; ``{role: cores used}``, rounded to 0.01, busiest first."""
        self._stop.set()
        self._thread.join()
        self._sample()
        wall = max(time.monotonic() - self._began, 1e-9)
        return {role: round(used / wall, 2) for role, used in sorted(self._used.items(), key=lambda kv: -kv[1])}


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation (numpy's default); NaN for no values."""
    import numpy as np  # noqa: PLC0415

    return float(np.quantile(values, q)) if values else float("nan")


def machine() -> str:
    """One line describing this machine: CPU model, cores, memory, load average."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{cpu}, {os.cpu_count()} cores, {mem_gb:.1f} GB RAM, load average {load}"
