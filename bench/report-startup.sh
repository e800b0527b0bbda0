#!/usr/bin/env bash
# Whole-process wall time of every report (the operator's `metadb REPORT`), interleaved
# round-robin so a slow phase of the machine hits every report alike, median of N runs.
# The reports are each report's first example from the registry (`metadb __examples`).
# The same run measures two baselines: `metadb --version` (JVM start plus picocli, the
# floor under every report) and python3 running `cost --by model --since 7d --json`'s SQL
# over the file's typed columns (bench/cost_by_model.py), whose rows it checks are the same.
# With METADB_BASELINE=/other/checkout/bin/metadb, every report is also timed with that
# build, interleaved in the same rounds (before/after a change).
# Usage: bench/report-startup.sh [DB] [RUNS]   (DB defaults to a fresh demo database)
set -euo pipefail
# The interpreter itself, never a version manager's shim (pyenv's adds ~100 ms a start).
py3="${METADB_PYTHON:-/usr/bin/python3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${1:-}"
runs="${2:-7}"
now="2026-04-20T12:00:00.000Z"
base="${METADB_BASELINE:-}"
if [ -z "$db" ]; then
  db="$(mktemp -d)/demo.db"
  "$root/bin/metadb" --db "$db" --now "$now" demo >/dev/null
fi
mapfile -t reports < <("$root/bin/metadb" __examples)
reports=("--version" "${reports[@]}" "cost --by model --since 7d --json")
"$root/bin/metadb" --db "$db" --now "$now" hot-tables >/dev/null # builds the start-up archive
[ -n "$base" ] && "$base" --db "$db" --now "$now" hot-tables >/dev/null
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
declare -A times btimes
py=()
for _ in $(seq "$runs"); do
  for r in "${reports[@]}"; do
    # shellcheck disable=SC2086 # the report's words are its arguments
    times[$r]+="$(ms "$root/bin/metadb" --db "$db" --now "$now" $r) "
    # shellcheck disable=SC2086
    [ -n "$base" ] && btimes[$r]+="$(ms "$base" --db "$db" --now "$now" $r) "
  done
  py+=("$(ms "$py3" "$root/bench/cost_by_model.py" "$db" "$now")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "whole-process wall time on $db, median of $runs interleaved runs (ms)${base:+; baseline: $base}"
over=0
for r in "${reports[@]}"; do
  # shellcheck disable=SC2086
  m=$(median ${times[$r]})
  [ "$r" != "--version" ] && [ "$m" -gt 400 ] && over=$((over + 1))
  if [ -n "$base" ]; then
    # shellcheck disable=SC2086
    b=$(median ${btimes[$r]})
    printf '%-40s %5d   baseline %5d   [%s]\n' "$r" "$m" "$b" "${times[$r]% }"
  else
    printf '%-40s %5d   [%s]\n' "$r" "$m" "${times[$r]% }"
  fi
done
mp=$(median "${py[@]}")
mc=$(median ${times["cost --by model --since 7d --json"]})
printf '%-40s %5d   [%s]\n' "python3 cost_by_model.py (baseline)" "$mp" "${py[*]}"
canonical() { "$py3" -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))'; }
same=$(diff <("$root/bin/metadb" --db "$db" --now "$now" cost --by model --since 7d --json | canonical) \
            <("$py3" "$root/bench/cost_by_model.py" "$db" "$now" | canonical) >/dev/null && echo yes || echo NO)
echo "cost ratio metadb/python: $(awk -v a="$mc" -v b="$mp" 'BEGIN {printf "%.2f", a / b}') (same rows: $same);" \
  "reports over 400 ms: $over of $(( ${#reports[@]} - 1 ))"
