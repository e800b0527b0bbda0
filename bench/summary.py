#!/usr/bin/env python3
"""Baseline for `metadb summary --since 24h --json`: the same metrics (SPEC §4) over the same
file's typed columns with Python's sqlite3, as a whole process (python3 summary.py DB NOW).
Raw rows only: it is for files no retention has rolled up (the bench's demo files)."""
import json
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

db, now_text = sys.argv[1], sys.argv[2]
now = datetime.fromisoformat(now_text.replace("Z", "+00:00"))


def ts(t):
    t = t.astimezone(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


since, until = ts(now - timedelta(hours=24)), ts(now)
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
tables = [r[0] for r in con.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%row_json%' ORDER BY name")]
counted = tables + ["events"]
rows_total = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counted)
rows_since = sum(con.execute(f"SELECT count(*) FROM {t} WHERE ts BETWEEN ? AND ?", (since, until)).fetchone()[0]
                 for t in counted)
with_agent = [t for t in tables if any(c[1] == "agent" for c in con.execute(f"PRAGMA table_xinfo({t})"))]
agents = set()
for t in with_agent:
    agents.update(r[0] for r in con.execute(
        f"SELECT DISTINCT agent FROM {t} WHERE agent IS NOT NULL AND ts BETWEEN ? AND ?", (since, until)))
w = (since, until)
one = lambda sql, args=w: con.execute(sql, args).fetchone()[0]
metrics = [
    ("rows_total", rows_total),
    ("rows_since", rows_since),
    ("agents_active", len(agents)),
    ("cli_calls", one("SELECT count(*) FROM cli_invocations WHERE ts BETWEEN ? AND ?")),
    ("cli_failures", one("SELECT count(*) FROM cli_invocations WHERE exit_code <> 0 AND ts BETWEEN ? AND ?")),
    ("input_tokens", one("SELECT coalesce(sum(input_tokens), 0) FROM token_usage WHERE ts BETWEEN ? AND ?")),
    ("output_tokens", one("SELECT coalesce(sum(output_tokens), 0) FROM token_usage WHERE ts BETWEEN ? AND ?")),
    ("cost_usd", one("SELECT coalesce(round(sum(cost_usd), 6), 0) FROM token_usage WHERE ts BETWEEN ? AND ?")),
    ("crashes", one("SELECT count(*) FROM crashes WHERE ts BETWEEN ? AND ?")),
    ("watchdog_red", one("SELECT count(*) FROM watchdog_events WHERE level = 'red' AND ts BETWEEN ? AND ?")),
    ("tests_failed", one("SELECT count(*) FROM tests WHERE status = 'fail' AND ts BETWEEN ? AND ?")),
    ("events_pending", one("SELECT count(*) FROM events WHERE status = 'pending'", ())),
    ("events_failed", one("SELECT count(*) FROM events WHERE status = 'failed'", ())),
]
print(json.dumps([{"metric": k, "value": v} for k, v in metrics]))
