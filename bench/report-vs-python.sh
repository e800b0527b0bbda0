#!/usr/bin/env bash
# Whole-process wall time of `metadb cost --by model --since 7d --json` against a python3
# script running the same SQL over the same file, interleaved, median of N runs each.
# Usage: bench/report-vs-python.sh [DB] [RUNS]   (DB defaults to a fresh demo database)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${1:-}"
runs="${2:-11}"
now="2026-04-20T12:00:00.000Z"
if [ -z "$db" ]; then
  db="$(mktemp -d)/demo.db"
  "$root/bin/metadb" --db "$db" --now "$now" demo >/dev/null
fi
"$root/bin/metadb" --db "$db" --now "$now" cost --by model --since 7d --json >/dev/null # builds the start-up archive
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
j=(); p=()
for _ in $(seq "$runs"); do
  j+=("$(ms "$root/bin/metadb" --db "$db" --now "$now" cost --by model --since 7d --json)")
  p+=("$(ms python3 "$root/bench/cost_by_model.py" "$db" "$now")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mj=$(median "${j[@]}"); mp=$(median "${p[@]}")
same=$(diff <("$root/bin/metadb" --db "$db" --now "$now" cost --by model --since 7d --json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))') \
            <(python3 "$root/bench/cost_by_model.py" "$db" "$now" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))') >/dev/null && echo yes || echo NO)
echo "cost --by model --since 7d --json on $db, median of $runs runs"
echo "metadb (JVM, snapshot, jOOQ): ${mj} ms   [${j[*]}]"
echo "python3 sqlite3 on the file : ${mp} ms   [${p[*]}]"
echo "ratio metadb/python: $(awk -v a="$mj" -v b="$mp" 'BEGIN {printf "%.2f", a / b}')   same rows: $same"
