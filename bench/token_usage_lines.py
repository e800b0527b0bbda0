#!/usr/bin/env python3
"""N token_usage payloads as JSON Lines, shaped like the live fleet's (python3 token_usage_lines.py FILE N):
the input of the ingest benchmarks (bench/ingest-vs-python.sh, bench/writes.sh)."""
import json, random, sys, uuid
path, n = sys.argv[1], int(sys.argv[2])
r = random.Random(1)
models = ["claude-opus-4-20250514", "claude-sonnet-4-20250514", "gpt-5-2025-08-07"]
with open(path, "w") as f:
    for i in range(n):
        f.write(json.dumps({"ts": "2026-04-%02dT%02d:%02d:%02d.%03dZ" % (1 + i % 20, i % 24, i % 60, (i * 7) % 60, i % 1000),
            "agent": "agent%d/clone-%04x" % (r.randrange(8), r.randrange(65536)),
            "session_id": "session-" + str(uuid.UUID(int=r.getrandbits(128))), "provider": "anthropic",
            "model": r.choice(models), "input_tokens": r.randrange(50000), "output_tokens": r.randrange(8000),
            "cache_read_tokens": r.randrange(100000), "cache_write_tokens": r.randrange(5000),
            "cost_usd": r.randrange(100000) / 1e4}, separators=(",", ":")) + "\n")
