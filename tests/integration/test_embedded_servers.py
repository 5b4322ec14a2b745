"""The embedded PostgreSQL/Redis lifecycle with real processes, in a scratch var dir."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = """
import json, sys, time
sys.path.insert(0, {root!r})
from crtproject import embedded
print(json.dumps({{"pg": embedded.ensure_postgres(), "redis": embedded.ensure_redis(),
                  "status": embedded.status()}}), flush=True)
time.sleep(600)
"""


def start_client(var_dir: Path) -> tuple[subprocess.Popen, dict]:
    env = {**os.environ, "CRT_VAR_DIR": str(var_dir), "CRT_EMBEDDED_GRACE_S": "1"}
    proc = subprocess.Popen([sys.executable, "-c", CLIENT.format(root=str(ROOT))], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line, proc.stderr.read()
    return proc, json.loads(line)


def status(var_dir: Path) -> dict:
    env = {**os.environ, "CRT_VAR_DIR": str(var_dir)}
    out = subprocess.run([sys.executable, str(ROOT / "crtproject" / "embedded.py"), "status"], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.fixture
def var_dir(tmp_path):
    # Short path: unix socket paths are limited to ~107 bytes.
    path = Path("/tmp") / f"crt-embedded-test-{os.getpid()}"
    yield path
    env = {**os.environ, "CRT_VAR_DIR": str(path)}
    subprocess.run([sys.executable, str(ROOT / "crtproject" / "embedded.py"), "stop", "--force"], env=env,
                   capture_output=True)
    subprocess.run(["rm", "-rf", str(path)], check=False)


def test_processes_share_one_server_pair_and_sigkill_leaves_no_orphans(var_dir):
    first, seen_first = start_client(var_dir)
    second, seen_second = start_client(var_dir)
    try:
        assert seen_first["pg"] == seen_second["pg"] and seen_first["redis"] == seen_second["redis"]
        assert seen_first["status"]["postgres_pid"] == seen_second["status"]["postgres_pid"]
        assert seen_first["status"]["redis_pid"] == seen_second["status"]["redis_pid"]
        assert sorted(status(var_dir)["clients"]) == sorted([first.pid, second.pid])

        first.send_signal(signal.SIGKILL)
        first.wait()
        time.sleep(3)
        assert status(var_dir)["postgres_pid"] == seen_first["status"]["postgres_pid"], "stopped while in use"

        second.send_signal(signal.SIGKILL)
        second.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (status(var_dir)["postgres_pid"] or status(var_dir)["redis_pid"]):
            time.sleep(0.5)
        final = status(var_dir)
        assert final["postgres_pid"] is None and final["redis_pid"] is None and final["reaper_pid"] is None
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_a_new_process_restarts_stopped_servers_with_the_data_kept(var_dir):
    proc, seen = start_client(var_dir)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and status(var_dir)["postgres_pid"]:
        time.sleep(0.5)
    again, seen_again = start_client(var_dir)
    try:
        assert seen_again["status"]["postgres_pid"] not in (None, seen["status"]["postgres_pid"])
        assert (var_dir / "pg" / "PG_VERSION").exists()
    finally:
        again.kill()
        again.wait()


REDIS_ONLY = """
import sys, time
sys.path.insert(0, {root!r})
from crtproject import embedded
embedded.AOF_COMPACT_BYTES = {compact}
url = embedded.ensure_redis()
import redis
client = redis.Redis(unix_socket_path=url[len("redis+socket://"):])
for n in range({writes}):
    client.lpush("churn", "x" * 200)
    client.rpop("churn")
time.sleep(1.5)  # appendfsync everysec
print(embedded.status()["redis_pid"], flush=True)
"""


def test_a_restarted_redis_compacts_an_append_only_file_grown_by_earlier_runs(var_dir):
    env = {**os.environ, "CRT_VAR_DIR": str(var_dir), "CRT_EMBEDDED_GRACE_S": "1"}
    aof = var_dir / "redis" / "appendonly.aof"

    def run(compact: int, writes: int) -> None:
        subprocess.run([sys.executable, "-c", REDIS_ONLY.format(root=str(ROOT), compact=compact, writes=writes)],
                       env=env, check=True, capture_output=True, text=True, timeout=120)
        deadline = time.monotonic() + 30  # the reaper stops the server once its last client is gone
        while time.monotonic() < deadline and status(var_dir)["redis_pid"]:
            time.sleep(0.5)

    run(compact=2**40, writes=2000)  # churn: ~4,000 commands, nothing left in the data
    grown = aof.stat().st_size
    assert grown > 400_000
    run(compact=100_000, writes=0)  # the next start finds it above the threshold
    assert aof.stat().st_size < grown / 10
