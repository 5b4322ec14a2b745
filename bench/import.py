"""Benchmark of ``manage.py import_crt_sqlite`` (issue 6): rows/s and peak RSS of a v0.9 import.

    .venv/bin/python bench/import.py                                   # 1,000,000 memories, 100,000 ledger rows
    .venv/bin/python bench/import.py --memories 100000 --contradictions 10000   # a quicker run

The v0.9 source files are written by our fixture builder (``tests/migration/v09_fixtures.py``,
unit-normalized 384-d vectors included, so nothing is re-embedded) into ``--workdir`` once and
reused. The import runs on its own embedded PostgreSQL under ``$CRT_VAR_DIR`` (default
``/tmp/crt-bench-import``; deleted and re-created for each measured import, so every import
starts from an empty CRT; the shared ``var/`` is never touched) as a child process
``manage.py import_crt_sqlite``, whose wall time and peak RSS (``wait4`` ``ru_maxrss``) are
measured. Measured in one run:

1. the full import (all phases: SHA-256 of both files, memories + facts + provenance, HNSW
   rebuild, trust/answer logs, ledger with events, verification), per-phase times from its log;
2. the same import of a source 1/10 the size (fresh database): the RSS ratio shows whether memory
   grows with the row count;
3. the second run on the same files (idempotent: imports nothing, verifies again);
4. ``--verify-only``;
5. the HNSW probe: 2,000 more memories imported with the index in place (``--defer-vector-index
   never``) vs the rebuild's cost per row — the measurement behind ``DEFER_INDEX_*``.

``--insert-methods ROWS`` instead compares Django ``bulk_create`` with the import's binary
``COPY`` for ROWS memories (set ``CRT_VAR_DIR`` to run it beside a main run).

Prints a Markdown section for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CRT_VAR_DIR", "/tmp/crt-bench-import")
VAR = Path(os.environ["CRT_VAR_DIR"])
PY = sys.executable
LOG_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}) INFO memory\.v09import \[\d+\] (.*)$")


def build_source(directory: Path, memories: int, contradictions: int, seed: int) -> dict:
    """Write the v0.9 files once (reused when ``meta.json`` says they match)."""
    from tqdm import tqdm

    from tests.migration.v09_fixtures import build_v09

    meta_path = directory / "meta.json"
    wanted = {"memories": memories, "contradictions": contradictions, "seed": seed}
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta["wanted"] == wanted:
            print(f"reusing v0.9 files in {directory}")
            return meta
    shutil.rmtree(directory, ignore_errors=True)
    started = time.perf_counter()
    with tqdm(total=memories, desc=f"writing v0.9 files ({memories} memories)", unit="row") as bar:
        files = build_v09(directory, memories=memories, contradictions=contradictions, seed=seed, wal=True,
                          progress=bar.update)
    meta = {"wanted": wanted, "rows": files.expected.rows, "seconds": round(time.perf_counter() - started, 1),
            "bytes": {p.name: p.stat().st_size for p in (files.memory_db, files.ledger_db)},
            "memory_db": str(files.memory_db), "ledger_db": str(files.ledger_db)}
    meta_path.write_text(json.dumps(meta, indent=2))
    return meta


def fresh_database() -> None:
    """Stop the bench's embedded servers, delete their data, migrate an empty CRT."""
    env = {**os.environ, "CRT_VAR_DIR": str(VAR)}
    subprocess.run([PY, "crtproject/embedded.py", "stop", "--force"], cwd=ROOT, env=env, capture_output=True)
    time.sleep(1)
    shutil.rmtree(VAR, ignore_errors=True)
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "shell", "-c",
                    "from django.contrib.auth import get_user_model as g; "
                    "[g().objects.get_or_create(username=u) for u in ('bench', 'probe')]"],
                   cwd=ROOT, env=env, check=True, capture_output=True)


def run_child(args: list[str], label: str, log_dir: Path) -> dict:
    """Run ``manage.py`` ARGS as a child; return wall seconds, peak RSS (MiB), output, exit code."""
    log_path = log_dir / f"{label}.log"
    env = {**os.environ, "CRT_VAR_DIR": str(VAR), "LOG_LEVEL": "INFO"}
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        child = subprocess.Popen([PY, "manage.py", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    text = log_path.read_text(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(text[-3000:])
        raise SystemExit(f"{label}: exit status {code} (log: {log_path})")
    return {"seconds": seconds, "rss_mib": usage.ru_maxrss / 1024, "output": text}


#: Log lines of the importer that mark phase boundaries (first occurrence of each prefix).
MARKS = {"start": "importing memories", "memories": "memories: ", "index": "rebuilt ", "trust_log": "trust_log: ",
         "belief_speech": "belief_speech: ", "read": "all tables read", "finished": "finished: "}


def phases(output: str) -> dict[str, float]:
    """Unix time of each :data:`MARKS` line in the importer's log."""
    marks: dict[str, float] = {}
    for line in output.splitlines():
        match = LOG_TIME.match(line)
        if not match:
            continue
        when = dt.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        message = match.group(2)
        for key, text in MARKS.items():
            if key not in marks and (message.startswith(text) if key in ("memories", "trust_log", "belief_speech")
                                     else text in message):
                marks[key] = when
    return marks


def import_args(meta: dict, owner: str, *extra: str) -> list[str]:
    rejects = Path(meta["memory_db"]).parent / f"rejects-{owner}.jsonl"
    return ["import_crt_sqlite", "--memory-db", meta["memory_db"], "--ledger-db", meta["ledger_db"],
            "--thread-owner", owner, "--no-progress", "--rejects", str(rejects), *extra]


def insert_methods(rows: int) -> None:
    """``--insert-methods``: ``bulk_create`` vs binary ``COPY`` (``memory.services.import_memories``)
    for ``rows`` memories with 384-d vectors, without and with the HNSW index, each in a
    transaction that is rolled back; same database, same process, one after the other."""
    import django

    fresh_database()
    django.setup()
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from memory import services
    from memory.models import ImportRun, Memory
    from memory.v09import import importer
    from memory.v09import.mapping import MemoryRecord

    owner = get_user_model().objects.get(username="bench")
    run = ImportRun.objects.create(owner=owner, memory_db="-", ledger_db="-", memory_db_sha256="",
                                   ledger_db_sha256="", memory_db_bytes=0, ledger_db_bytes=0)
    vectors = np.random.default_rng(0).standard_normal((rows, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    records = [MemoryRecord(memory_id=f"mem_probe_{i}", text="I work at Initech.", timestamp=1.75e9 + i,
                            confidence=0.9, trust=0.8, thread_id="t", sse_mode="L", is_question=False,
                            vector=vectors[i], vector_status="ok", vector_rounded=False, v09_row={})
               for i in range(rows)]

    class Rollback(Exception):
        pass

    def timed(label, write):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                for start in range(0, rows, 1000):
                    write(records[start:start + 1000])
                raise Rollback
        except Rollback:
            pass
        seconds = time.perf_counter() - started
        print(f"| {label} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} |")

    def orm(batch):
        Memory.objects.bulk_create(Memory(memory_id=r.memory_id, owner=owner, thread_id=r.thread_id, text=r.text,
                                          embedding=r.vector, timestamp=r.timestamp) for r in batch)

    def copy(batch):
        services.import_memories(owner=owner, records=batch, run_id=run.run_id)

    print()
    print(f"Insert methods ({platform.node()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}):")
    print()
    print("| method | memories | s | memories/s |")
    print("|---|---|---|---|")
    importer.drop_vector_index()
    timed("Django `bulk_create`, no HNSW index", orm)
    timed("binary COPY + facts + provenance (`import_memories`), no HNSW index", copy)
    importer.build_vector_index()
    timed("binary COPY + facts + provenance, HNSW index in place", copy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--insert-methods", type=int, metavar="ROWS", default=0,
                        help="only compare bulk_create with COPY for ROWS memories (own database)")
    parser.add_argument("--memories", type=int, default=1_000_000)
    parser.add_argument("--contradictions", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--workdir", default="/tmp/crt-bench-import-src")
    args = parser.parse_args()
    load_at_start = os.getloadavg()[0]
    if args.insert_methods:
        insert_methods(args.insert_methods)
        return
    work = Path(args.workdir)
    logs = work / "logs"
    big = build_source(work / f"v09-{args.memories}", args.memories, args.contradictions, seed=1)
    small = build_source(work / f"v09-{args.memories // 10}", args.memories // 10, args.contradictions // 10, seed=2)
    probe = build_source(work / "v09-probe", 2000, 200, seed=3)
    logs.mkdir(parents=True, exist_ok=True)
    batch = ["--batch-size", str(args.batch_size)]

    fresh_database()
    small_run = run_child(import_args(small, "bench", *batch), "small", logs)
    fresh_database()
    full = run_child(import_args(big, "bench", *batch), "full", logs)
    again = run_child(import_args(big, "bench", *batch), "second", logs)
    verify = run_child(import_args(big, "bench", "--verify-only", *batch), "verify", logs)
    probe_run = run_child(import_args(probe, "probe", "--defer-vector-index", "never", *batch), "probe", logs)

    marks = phases(full["output"])
    probe_marks = phases(probe_run["output"])
    rebuild = float(re.search(r"rebuilt in ([\d.]+) s", full["output"]).group(1))
    rows = sum(big["rows"].values())
    ledger_rows = sum(v for k, v in big["rows"].items() if k not in ("memories", "trust_log", "belief_speech"))
    mem_rows = big["rows"]["memories"]
    probe_rows = probe["rows"]["memories"]
    probe_memory_s = probe_marks["memories"] - probe_marks["start"]
    small_rows = sum(small["rows"].values())

    def span(a, b):
        return marks[b] - marks[a]

    print()
    print(f"## v0.9 import (issue 6): {args.memories:,} memories, {big['rows']['contradictions']:,} contradictions")
    print()
    print("Command:")
    print()
    print("```bash")
    print(f".venv/bin/python bench/import.py --memories {args.memories} --contradictions {args.contradictions}")
    print("```")
    print()
    print(f"Machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{dt.date.today().isoformat()}, 1-minute load average {load_at_start:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end (other work on the machine shows in the wall times).")
    print()
    print("Source (fixture builder, vectors included): " + ", ".join(f"{k} {v:,}" for k, v in big["rows"].items())
          + f"; {big['bytes']['crt_memory.db'] / 2**30:.2f} GiB + {big['bytes']['crt_ledger.db'] / 2**20:.0f} MiB "
          f"(written in {big['seconds']:.0f} s).")
    print()
    print("| run | wall s | source rows/s | peak RSS MiB |")
    print("|---|---|---|---|")
    print(f"| full import ({rows:,} source rows, verification included) | {full['seconds']:.0f} | "
          f"{rows / full['seconds']:,.0f} | {full['rss_mib']:.0f} |")
    print(f"| same, 1/10 source ({small_rows:,} rows) | {small_run['seconds']:.0f} | "
          f"{small_rows / small_run['seconds']:,.0f} | {small_run['rss_mib']:.0f} |")
    print(f"| second run, same files (imports nothing, verifies) | {again['seconds']:.0f} | "
          f"{rows / again['seconds']:,.0f} | {again['rss_mib']:.0f} |")
    print(f"| `--verify-only` | {verify['seconds']:.0f} | {rows / verify['seconds']:,.0f} | {verify['rss_mib']:.0f} |")
    print()
    print(f"Peak RSS ratio full / (1/10 source): {full['rss_mib'] / small_run['rss_mib']:.2f} "
          f"(≈ 1 means memory does not grow with the row count).")
    print()
    print("Phases of the full import (from its log):")
    print()
    print("| phase | s | rows/s |")
    print("|---|---|---|")
    startup = full["seconds"] - span("start", "finished")
    print(f"| start-up, SHA-256 of both files, HNSW index drop | {startup:.0f} | — |")
    print(f"| memories + facts + provenance (COPY) | {span('start', 'memories'):.0f} | "
          f"{mem_rows / span('start', 'memories'):,.0f} |")
    print(f"| HNSW index rebuild | {rebuild:.0f} | {mem_rows / rebuild:,.0f} |")
    logs_rows = big["rows"]["trust_log"] + big["rows"]["belief_speech"]
    print(f"| trust log + answer log | {span('index', 'belief_speech'):.0f} | "
          f"{logs_rows / span('index', 'belief_speech'):,.0f} |")
    print(f"| ledger: contradictions + folded rows, entries + events | {span('belief_speech', 'read'):.0f} | "
          f"{ledger_rows / span('belief_speech', 'read'):,.0f} |")
    print(f"| verification (both sides, every table) | {span('read', 'finished'):.0f} | "
          f"{rows / span('read', 'finished'):,.0f} |")
    print()
    print(f"HNSW probe: {probe_rows:,} memories imported with the index in place into a table of {mem_rows:,} took "
          f"{probe_memory_s:.1f} s ({probe_memory_s / probe_rows * 1000:.2f} ms/row); the rebuild cost "
          f"{rebuild / mem_rows * 1000:.3f} ms/row, ratio {probe_memory_s / probe_rows / (rebuild / mem_rows):.0f}x.")


if __name__ == "__main__":
    main()
