#!/usr/bin/env bash
# Whole-process wall time of `metadb ingest token_usage FILE` (200k lines by default)
# against a python3 executemany load of the same lines into the same schema, each into a
# fresh migrated file, interleaved, median of N runs.
# Usage: bench/ingest-vs-python.sh [ROWS] [RUNS]
set -euo pipefail
# The interpreter itself, never a version manager's shim (pyenv's adds ~100 ms a start).
py3="${METADB_PYTHON:-/usr/bin/python3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${1:-200000}"
runs="${2:-5}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$py3" - "$dir/lines.jsonl" "$rows" <<'PY'
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
PY
echo "$(wc -l < "$dir/lines.jsonl") lines, $(( $(wc -c < "$dir/lines.jsonl") / 1024 / 1024 )) MB"
"$root/bin/metadb" --db "$dir/template.db" migrate >/dev/null
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
j=(); p=(); q=()
for i in $(seq "$runs"); do
  cp "$dir/template.db" "$dir/j$i.db"; cp "$dir/template.db" "$dir/p$i.db"; cp "$dir/template.db" "$dir/q$i.db"
  j+=("$(ms "$root/bin/metadb" --db "$dir/j$i.db" ingest token_usage "$dir/lines.jsonl")")
  p+=("$(ms "$py3" "$root/bench/ingest_baseline.py" "$dir/p$i.db" "$dir/lines.jsonl")")
  q+=("$(ms "$py3" "$root/bench/ingest_baseline.py" "$dir/q$i.db" "$dir/lines.jsonl" 32768)")
  [ "$(sqlite3 "$dir/j$i.db" 'SELECT count(*) FROM token_usage')" = "$rows" ] || { echo "metadb lost rows"; exit 1; }
  [ "$(sqlite3 "$dir/p$i.db" 'SELECT count(*) FROM token_usage')" = "$rows" ] || { echo "python lost rows"; exit 1; }
  rm -f "$dir"/[jpq]$i.db*
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mj=$(median "${j[@]}"); mp=$(median "${p[@]}"); mq=$(median "${q[@]}")
echo "ingest token_usage, $rows rows, median of $runs runs (whole processes)"
echo "metadb ingest (validates every line first): ${mj} ms   [${j[*]}]"
echo "python3 executemany, one transaction      : ${mp} ms   [${p[*]}]"
echo "python3 executemany, 32 MiB page cache   : ${mq} ms   [${q[*]}]"
echo "ratio metadb/python: $(awk -v a="$mj" -v b="$mp" 'BEGIN {printf "%.2f", a / b}')  (same page cache: $(awk -v a="$mj" -v b="$mq" 'BEGIN {printf "%.2f", a / b}'))"
