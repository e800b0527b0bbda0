#!/usr/bin/env python3
"""Baseline for `metadb ingest token_usage FILE`: load the same JSON Lines into the same
schema with Python's sqlite3, executemany in one transaction (python3 ingest_baseline.py DB FILE [CACHE_KIB]).
Parses each line, moves "ts" to the envelope, re-serialises, inserts (id, ts, row_json)."""
import json
import sqlite3
import sys
from datetime import datetime, timezone

db, path = sys.argv[1], sys.argv[2]
now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
con = sqlite3.connect(db, isolation_level=None)
con.execute("PRAGMA journal_mode = WAL")
con.execute("PRAGMA synchronous = NORMAL")
if len(sys.argv) > 3:  # optional: the same page cache metadb's writer uses, in KiB
    con.execute(f"PRAGMA cache_size = -{int(sys.argv[3])}")
first = (con.execute("SELECT coalesce(max(id), 0) FROM token_usage").fetchone()[0]) + 1


def rows():
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            obj = json.loads(line)
            ts = obj.pop("ts", None) or now
            yield (first + i, ts, json.dumps(obj, separators=(",", ":")))


con.execute("BEGIN IMMEDIATE")
con.executemany("INSERT INTO token_usage (id, ts, row_json) VALUES (?, ?, ?)", rows())
n = con.execute("SELECT count(*) FROM token_usage").fetchone()[0]
con.execute("UPDATE ids SET id = ? WHERE name = 'token_usage'", (first + n - 1,))
con.execute("COMMIT")
print(f"wrote {n} rows")
