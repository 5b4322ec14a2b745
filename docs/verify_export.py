"""Verify a CRT ledger export offline (Python 3.8+, standard library only, no CRT needed).

    python verify_export.py crt-ledger-20261121T190000Z.json
    python verify_export.py crt-ledger-entries-20261121T190000Z.csv

Every row: sha256(canonical JSON of {"v": 1, "table", "seq", "prev_hash", "fields": {name: text}})
must equal its row_hash. Rows with consecutive seq must link (prev_hash = previous row_hash).
A filtered export has gaps in seq; only a full export (no gaps, starting at seq 1) proves the
whole chain. Compare the last row_hash with `manage.py verify_ledger` ("head …"). Exit 1 if broken.
"""
import csv, hashlib, json, sys

ENTRY = ("ledger_id owner_id thread_id memory_a_id memory_b_id timestamp created_at contradiction_type severity "
         "confidence drift_mean drift_max slot old_value new_value old_text new_text summary evidence "
         "detection_job_id detector_version recorded_by recorded_host request_id").split()
EVENT = ("event_id entry_id owner_id thread_id action from_status to_status method note user_answer chosen_memory_id "
         "merged_memory_id undoes_id trust_changes actor_kind actor_id actor_name host user_agent request_id via "
         "timestamp created_at").split()
dumps = lambda v: json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

def text(v):  # the canonical text of a value (CSV cells are already text, minus one safety quote)
    if v is None: return ""
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, (int, float)): return repr(v) if isinstance(v, float) else str(v)
    return dumps(v) if isinstance(v, (dict, list)) else v

def check(rows, table, names):
    problems, prev, gaps = 0, None, 0
    for row in rows:
        seq = int(row["seq"])
        payload = {"v": 1, "table": table, "seq": seq, "prev_hash": row["prev_hash"],
                   "fields": {n: text(row[n]) for n in names}}
        if hashlib.sha256(dumps(payload).encode()).hexdigest() != row["row_hash"]:
            print(f"BROKEN {table} seq {seq}: content does not match row_hash"); problems += 1
        if prev and prev[0] + 1 == seq and prev[1] != row["prev_hash"]:
            print(f"BROKEN {table} seq {seq}: prev_hash does not link to seq {prev[0]}"); problems += 1
        gaps += bool(prev and prev[0] + 1 != seq) or (prev is None and seq != 1)
        prev = (seq, row["row_hash"])
    print(f"{table}: {'last seq %d, head %s' % prev if prev else 'no rows'}; "
          f"{'complete chain' if not gaps else '%d gap(s): filtered export' % gaps}")
    return problems

path = sys.argv[1]
if path.endswith(".json"):
    doc = json.load(open(path, encoding="utf-8"))
    bad = check(doc["entries"], "contradiction_entry", ENTRY) + check(doc["events"], "resolution_event", EVENT)
else:
    rows = [{k: v[1:] if v.startswith("'") else v for k, v in r.items()}
            for r in csv.DictReader(open(path, newline="", encoding="utf-8"))]
    bad = check(rows, *(("resolution_event", EVENT) if rows and "event_id" in rows[0] else ("contradiction_entry", ENTRY)))
print("OK: every row matches its hash" if not bad else f"FAILED: {bad} problem(s)")
sys.exit(1 if bad else 0)
