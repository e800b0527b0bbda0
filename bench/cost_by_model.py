#!/usr/bin/env python3
"""Baseline for `metadb cost --by model --since 7d --json`: the same SQL over the same
file's typed columns with Python's sqlite3, as a whole process (python3 cost_by_model.py DB NOW)."""
import json
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

db, now = sys.argv[1], sys.argv[2]
since = (datetime.fromisoformat(now.replace("Z", "+00:00")) - timedelta(days=7)).astimezone(timezone.utc)
cutoff = since.strftime("%Y-%m-%dT%H:%M:%S.") + f"{since.microsecond // 1000:03d}Z"
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
rows = con.execute(
    "SELECT model, count(*), sum(input_tokens), sum(output_tokens), coalesce(sum(cache_read_tokens), 0),"
    " coalesce(sum(cache_write_tokens), 0), coalesce(round(sum(cost_usd), 6), 0) AS cost"
    " FROM token_usage WHERE ts >= ? GROUP BY model ORDER BY cost DESC, model ASC", (cutoff,)).fetchall()
keys = ["model", "calls", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd"]
print(json.dumps([dict(zip(keys, r)) for r in rows]))
