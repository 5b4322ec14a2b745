"""Ledger benchmark (issue 4): list latency with 1,000,000 entries, streamed export of 100,000.

    .venv/bin/python bench/ledger.py                      # seed 1,000,000 entries once, then measure
    .venv/bin/python bench/ledger.py --entries 20000 --export-rows 10000   # a quick run
    .venv/bin/python bench/ledger.py --ledger-from /path/to/old --scenarios admin,export   # an earlier ledger app

Run it under the team's lock so benchmarks never overlap: ``flock /tmp/crt-bench.lock .venv/bin/python
bench/ledger.py``. The 1-minute load average is printed before and after each part.

Runs on its own embedded PostgreSQL under ``$CRT_VAR_DIR`` (default ``/tmp/crt-bench-ledger``,
so the shared ``var/`` is never touched) with the real schema: triggers, full-text GIN index,
hash chain (every seeded row carries a valid hash; ``--verify`` also times ``verify_ledger``).
Seeding uses PostgreSQL COPY; it is done once and reused by later runs.

Measured (targets from issue 4):
* ``GET /api/contradictions/`` through the whole Django/DRF stack in-process (test client, no
  network): p50/p95 over ``--requests`` requests per scenario (owner, compliance all-users,
  filters, text search, cursor page 2). Target p95 < 200 ms.
* ``GET /admin/ledger/contradictionentry/`` (the officer's dashboard list) in the same way, for
  the first page, each filter kind, the full-text search and a date drill-down level.
* ``GET /api/contradictions/export`` of ``--export-rows`` entries, in a fresh child process that
  consumes the stream: wall time and the child's peak RSS (``ru_maxrss``), next to a child that
  exports 1/10 of the rows and one that exports nothing — the ratios show whether memory grows
  with the row count. Target < 10 s and < 200 MB for 100,000 rows.
Prints a Markdown table for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CRT_VAR_DIR", "/tmp/crt-bench-ledger")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crtproject.settings")

#: Users the seeded entries belong to, memories per user (entries pair them up), days covered.
USERS, MEMORIES_PER_USER, DAYS = 100, 2000, 100
SLOTS = ("employer", "location", "age", "job_title", "name")
TYPES = ("CONFLICT", "REVISION", "TEMPORAL", "DENIAL", "REFINEMENT")
SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
STATUSES_START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(target: int) -> None:
    """COPY users, memories and ``target`` entries with a valid hash chain (once)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from tqdm import tqdm

    from ledger import chain
    from ledger.models import ContradictionEntry

    have = ContradictionEntry.objects.count()
    if have >= target:
        print(f"reusing {have} seeded entries")
        return
    if have:
        raise SystemExit(f"{have} entries exist but {target} requested: delete {os.environ['CRT_VAR_DIR']} first")
    User = get_user_model()
    users = [User.objects.get_or_create(username=f"bench{u:03d}")[0] for u in range(USERS)]
    per_user = -(-target // USERS)
    if per_user > MEMORIES_PER_USER * 5:
        raise SystemExit("too many entries for the seeding scheme")
    now = time.time()
    with connection.cursor() as cursor, tqdm(total=USERS * MEMORIES_PER_USER, desc="memories", unit="row") as bar:
        with cursor.copy("COPY memory_memory (memory_id, owner_id, thread_id, session_id, text, timestamp, confidence, "
                         "trust, source, sse_mode, user_marked_important, is_question, created_at, updated_at) "
                         "FROM STDIN") as copy:
            for user in users:
                for m in range(MEMORIES_PER_USER):
                    copy.write_row((f"mem_b{user.pk:03d}_{m:05d}", user.pk, f"thread-{m % 20}", "",
                                    f"I work at Company {m} in City {m % 97}.", now, 0.9, 0.7, "user", "", False,
                                    False, dt.datetime.now(dt.timezone.utc), dt.datetime.now(dt.timezone.utc)))
                bar.update(MEMORIES_PER_USER)
    prev = chain.GENESIS_HASH
    seq = 0
    with connection.cursor() as cursor, tqdm(total=target, desc="entries", unit="row") as bar:
        columns = ("ledger_id", "seq", "owner_id", "timestamp", "status", "contradiction_type", "severity",
                   "drift_mean", "drift_max", "confidence", "memory_a_id", "memory_b_id", "thread_id", "slot",
                   "old_value", "new_value", "old_text", "new_text", "summary", "evidence", "detection_job_id",
                   "detector_version", "recorded_by", "recorded_host", "request_id", "created_at", "prev_hash",
                   "row_hash")
        with cursor.copy(f"COPY ledger_contradictionentry ({', '.join(columns)}) FROM STDIN") as copy:
            for k in range(per_user):
                for user in users:
                    if seq >= target:
                        break
                    seq += 1
                    a, offset = k % MEMORIES_PER_USER, k // MEMORIES_PER_USER + 1
                    b = (a + offset) % MEMORIES_PER_USER
                    slot = SLOTS[offset - 1]
                    created = STATUSES_START + dt.timedelta(seconds=(seq / target) * DAYS * 86400)
                    row = {
                        "ledger_id": f"led_bench{seq:010d}", "owner_id": user.pk, "thread_id": f"thread-{a % 20}",
                        "memory_a_id": f"mem_b{user.pk:03d}_{a:05d}", "memory_b_id": f"mem_b{user.pk:03d}_{b:05d}",
                        "timestamp": created.timestamp(), "created_at": created,
                        "contradiction_type": TYPES[k % 5], "severity": SEVERITIES[(k // 5) % 4],
                        "confidence": round(0.5 + (seq % 50) / 100, 2), "drift_mean": 0.4, "drift_max": 0.4,
                        "slot": slot, "old_value": f"Company {a}", "new_value": f"Company {b}",
                        "old_text": f"I work at Company {a} in City {a % 97}.",
                        "new_text": f"I work at Company {b} in City {b % 97}.",
                        "summary": f"{slot}: Company {a} → Company {b}",
                        "evidence": {"detector_version": "bench", "rule": "slot_conflict", "drift": 0.4},
                        "detection_job_id": None, "detector_version": "bench", "recorded_by": "bench-seed",
                        "recorded_host": platform.node(), "request_id": "",
                    }
                    digest = chain.entry_hash(seq=seq, prev_hash=prev, fields=row)
                    copy.write_row((row["ledger_id"], seq, row["owner_id"], row["timestamp"], "open",
                                    row["contradiction_type"], row["severity"], 0.4, 0.4, row["confidence"],
                                    row["memory_a_id"], row["memory_b_id"], row["thread_id"], slot, row["old_value"],
                                    row["new_value"], row["old_text"], row["new_text"], row["summary"],
                                    chain.canonical_json(row["evidence"]), None, "bench", "bench-seed",
                                    row["recorded_host"], "", created, prev, digest))
                    prev = digest
                    bar.update(1)
        cursor.execute("ANALYZE ledger_contradictionentry; ANALYZE memory_memory")


def load_average() -> str:
    """The 1/5/15-minute load averages, as the figures' conditions."""
    return "load average %.2f / %.2f / %.2f" % os.getloadavg()


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))]


def measure_list(requests: int) -> list[tuple[str, float, float, int]]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.test import APIClient

    User = get_user_model()
    officer, _ = User.objects.get_or_create(username="bench-officer", defaults={"is_staff": True})
    officer.groups.add(Group.objects.get(name="Compliance"))
    officer = User.objects.get(pk=officer.pk)
    owner = User.objects.get(username="bench042")
    mid = (STATUSES_START + dt.timedelta(days=DAYS // 2)).date()
    scenarios = [
        ("owner, first page (50)", owner, "/api/contradictions/", {}),
        ("owner, type + severity filter", owner, "/api/contradictions/", {"type": "DENIAL", "severity": "HIGH"}),
        ("owner, thread filter, limit 100", owner, "/api/contradictions/", {"thread_id": "thread-7", "limit": 100}),
        ("owner, text search", owner, "/api/contradictions/", {"q": "company 123"}),
        ("compliance, all users, first page", officer, "/api/contradictions/", {}),
        ("compliance, all users, page 2 (cursor)", officer, None, {}),
        ("compliance, one day (date range)", officer, "/api/contradictions/",
         {"since": mid.isoformat(), "until": (mid + dt.timedelta(days=1)).isoformat()}),
        ("compliance, status + type filter", officer, "/api/contradictions/", {"status": "open", "type": "TEMPORAL"}),
        ("compliance, text search, selective word", officer, "/api/contradictions/", {"q": "1234"}),
        ("compliance, text search, word in every row", officer, "/api/contradictions/", {"q": "company 123"}),
    ]
    results = []
    for name, user, url, params in scenarios:
        client = APIClient()
        client.force_authenticate(user)
        if url is None:
            url, params = client.get("/api/contradictions/").json()["next"], {}
        times = []
        for i in range(requests + 5):
            started = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.content[:300]
            if i >= 5:
                times.append(elapsed)
        rows = len(response.json()["results"])
        results.append((name, statistics.median(times), percentile(times, 95), rows))
        print(f"  {name:<46} p50 {statistics.median(times):7.1f} ms  p95 {percentile(times, 95):7.1f} ms  ({rows} rows)")
    return results


#: Admin changelist scenarios: (name, query string). "company" is in every entry and "123" in
#: 1,000; "name" is the slot of the newest 20 % only, so "name 12" (4,200 entries) is clustered in
#: time, as real searches for a fact someone talked about in one period are.
ADMIN_SCENARIOS = (
    ("admin list, all users", {}),
    ("admin list, type filter (DENIAL, 200,000 rows)", {"contradiction_type__exact": "DENIAL"}),
    ("admin list, status + severity filter", {"status__exact": "open", "severity__exact": "HIGH"}),
    ("admin list, slot filter (newest 20 %)", {"slot": "name"}),
    ("admin list, full-text search (company 123)", {"q": "company 123"}),
    ("admin list, full-text search, clustered (name 12)", {"q": "name 12"}),
    ("admin list, type filter, drill-down to one month", {"contradiction_type__exact": "DENIAL",
                                                          "created_at__year": "2026", "created_at__month": "2"}),
)


def measure_admin(requests: int) -> list[tuple[str, float, float, int]]:
    """The admin changelist (what an officer opens) as the compliance user, same percentiles."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    officer, _ = get_user_model().objects.get_or_create(username="bench-officer", defaults={"is_staff": True})
    officer.groups.add(Group.objects.get(name="Compliance"))
    client = Client()
    client.force_login(officer)
    results = []
    for name, params in ADMIN_SCENARIOS:
        times = []
        for i in range(requests + 2):
            started = time.perf_counter()
            response = client.get("/admin/ledger/contradictionentry/", params)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (name, response.status_code)
            if i >= 2:
                times.append(elapsed)
        results.append((name, statistics.median(times), percentile(times, 95), response.content.count(b'class="action-select"')))
        print(f"  {name:<46} p50 {statistics.median(times):7.1f} ms  p95 {percentile(times, 95):7.1f} ms  "
              f"({results[-1][3]} rows)")
    return results


def export_child(rows: int, fmt: str, trace: bool) -> None:
    """Child process: export ``rows`` entries (0: only a tiny request) and print JSON figures."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    officer = get_user_model().objects.get(username="bench-officer")
    client = APIClient()
    client.force_authenticate(officer)
    from ledger.models import ContradictionEntry

    if rows:
        last = ContradictionEntry.objects.filter(seq=rows).values_list("created_at", flat=True).get()
        params = {"format": fmt, "until": (last + dt.timedelta(microseconds=1)).isoformat()}
    else:
        params = {"format": fmt, "thread_id": "no-such-thread"}
    import tracemalloc

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:  # tracing slows the export ~7x: timed runs do not trace
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/api/contradictions/export", params)
    size, lines = 0, 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "format": fmt, "seconds": elapsed, "bytes": size, "lines": lines,
                      "rss_before_mb": baseline / 1024, "peak_rss_mb": peak / 1024,
                      "python_peak_mb": traced_peak / 2**20}))


def measure_export(rows: int, fmt: str, ledger_from: str | None = None) -> dict:
    """Two fresh children: one timed (and its RSS), one with tracemalloc for the Python heap peak."""
    figures = []
    for trace in (False, True):
        command = [sys.executable, __file__, "--export-child", str(rows), "--format", fmt] + (["--trace"] if trace else [])
        command += ["--ledger-from", ledger_from] if ledger_from else []
        out = subprocess.run(command, capture_output=True, text=True, check=True, env={**os.environ})
        figures.append(json.loads(out.stdout.strip().splitlines()[-1]))
    timed, traced = figures
    timed["python_peak_mb"] = traced["python_peak_mb"]
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="ledger entries to seed (default 1,000,000)")
    parser.add_argument("--export-rows", type=int, default=100_000, help="entries to export (default 100,000)")
    parser.add_argument("--requests", type=int, default=100, help="list requests per scenario (default 100)")
    parser.add_argument("--verify", action="store_true", help="also time manage.py verify_ledger over everything")
    parser.add_argument("--scenarios", default="api,admin,export",
                        help="comma-separated parts to run: api, admin, export (default all)")
    parser.add_argument("--ledger-from", default=None, metavar="DIR",
                        help="import the ledger app from DIR/ledger (an earlier version, to compare in one session); "
                             "skips migrate")
    parser.add_argument("--export-child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--format", default="csv", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    parts = {part.strip() for part in args.scenarios.split(",") if part.strip()}
    if parts - {"api", "admin", "export"}:
        parser.error(f"unknown --scenarios {sorted(parts - {'api', 'admin', 'export'})}: use api, admin, export")
    if args.ledger_from:
        if not (Path(args.ledger_from) / "ledger" / "models.py").is_file():
            parser.error(f"--ledger-from {args.ledger_from}: no ledger/models.py there")
        from django.conf import settings

        settings.INSTALLED_APPS  # loading the settings puts the project root first on sys.path: go before it
        sys.path.insert(0, str(Path(args.ledger_from).resolve()))
    if args.export_child is not None:
        export_child(args.export_child, args.format, args.trace)
        return
    if args.ledger_from:
        import django

        django.setup()
        import ledger

        print(f"ledger app imported from {Path(ledger.__file__).parent} (migrate skipped)")
    else:
        setup_django()
    started = time.perf_counter()
    seed(args.entries)
    print(f"seeding/reuse took {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum would have done by now: stats, GIN pending list
        cursor.execute("VACUUM ANALYZE ledger_contradictionentry")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    lists, exports = [], []
    if "api" in parts:
        print(f"GET /api/contradictions/ (in-process, full Django/DRF stack); {load_average()}")
        lists += measure_list(args.requests)
    if "admin" in parts:
        print(f"GET /admin/ledger/contradictionentry/ (in-process, compliance user); {load_average()}")
        lists += measure_admin(max(5, args.requests // 5))
    for fmt in ("csv", "json") if "export" in parts else ():
        if fmt == "csv":
            print(f"GET /api/contradictions/export (fresh child per export); {load_average()}")
        for rows in (0, args.export_rows // 10, args.export_rows):
            figures = measure_export(rows, fmt, args.ledger_from)
            exports.append(figures)
            print(f"  export {fmt} {rows:>7} rows: {figures['seconds']:6.2f} s, {figures['bytes'] / 1e6:7.1f} MB, "
                  f"peak RSS {figures['peak_rss_mb']:6.1f} MB (before the request {figures['rss_before_mb']:6.1f} MB), "
                  f"Python heap peak during the export {figures['python_peak_mb']:5.1f} MB")
    if args.verify:
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("verify_ledger", "--no-progress", stdout=io.StringIO())
        print(f"verify_ledger over {args.entries} entries: {time.perf_counter() - started:.1f} s")
    print(f"done; {load_average()}")
    print("\n| scenario | p50 ms | p95 ms | rows |\n|---|---|---|---|")
    for name, p50, p95, rows in lists:
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {rows} |")
    print("\n| export | rows | seconds | MB written | RSS before MB | peak RSS MB | Python heap peak MB |\n"
          "|---|---|---|---|---|---|---|")
    for f in exports:
        print(f"| {f['format']} | {f['rows']} | {f['seconds']:.2f} | {f['bytes'] / 1e6:.1f} | {f['rss_before_mb']:.1f} "
              f"| {f['peak_rss_mb']:.1f} | {f['python_peak_mb']:.1f} |")


if __name__ == "__main__":
    main()
