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
"$py3" "$root/bench/token_usage_lines.py" "$dir/lines.jsonl" "$rows"
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
