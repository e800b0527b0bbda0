#!/usr/bin/env bash
# The resident read path against its baselines, in the same rounds (issue 12), medians:
#   1. `cost --by model --since 7d --json` and `summary --json` as whole commands: served
#      (bash launcher + curl to a running `metadb serve`), in-process (METADB_NO_SERVER=1),
#      and python3 running the same SQL on the file (bench/cost_by_model.py, bench/summary.py;
#      their answers are checked equal to metadb's);
#   2. `query` of every token_usage row as CSV: served, in-process and the sqlite3 shell
#      (`sqlite3 -csv -header`): wall time and peak resident memory (of the in-process JVM;
#      of the server process for the served export, its peak reset before each run through
#      /proc/PID/clear_refs; of the sqlite3 process), output compared with sqlite3's.
#   3. where a served answer's time goes, from the same server in the same rounds: the floor
#      (a served `query "SELECT 1"`: bash, the HTTP round trips, the server running a
#      command that reads nothing) and the server's own split of each report (`--debug`
#      through the server: its snapshot, i.e. the in-memory copy SPEC section 4 requires,
#      and the report's statements on that copy). floor + statements is what a served report
#      would cost were its copy free: a lower bound for any design that computes the answer
#      per request.
# At the live shape (`demo`) and at `demo --rows-scale 10`.
# Usage: bench/serve.sh [RUNS] [DIR]   (DIR keeps the demo files between runs; default a temp dir)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
metadb="$root/bin/metadb"
runs="${1:-7}"
dir="${2:-$(mktemp -d)}"
now="2026-04-20T12:00:00.000Z"
mkdir -p "$dir"
command -v sqlite3 >/dev/null || { echo "bench/serve.sh needs the sqlite3 shell" >&2; exit 1; }
# The interpreter itself, not a version manager's shim in front of it (pyenv's bash shim
# costs every python3 start ~100 ms here, which would flatter every ratio).
python="$(python3 -c 'import sys; print(sys.executable)')"

# The two reports measured, as command lines.
cost_args=(cost --by model --since 7d --json)
summary_args=(summary --json)

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
canonical() { "$python" -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# Peak resident memory (MB) and wall time (ms) of a command writing to a file.
peak() { # out-file command...
  local out="$1" s e kb; shift
  s=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$dir/time.out" "$@" >"$out" 2>/dev/null
  e=$(date +%s%N)
  kb=$(tail -n 1 "$dir/time.out")
  echo "$(( (e - s) / 1000000 )) $(( kb / 1024 ))"
}

for scale in 1 10; do
  db="$dir/demo-x$scale.db"
  if [ ! -f "$db" ]; then
    METADB_NO_SERVER=1 "$metadb" --db "$db" --now "$now" demo --rows-scale "$scale" >/dev/null
  fi
  "$metadb" --db "$db" serve --stop >/dev/null 2>&1 || true
  "$metadb" --db "$db" serve --detach >/dev/null
  server_pid=$(head -n 1 "$db-serve" | cut -d' ' -f2)
  size=$(du -m "$db" | cut -f1)
  echo "== $db: ${size} MB, $runs rounds (medians, ms)"

  # The same answers first (and a warm server, page cache and start-up archive).
  same_cost=$(diff <("$metadb" --db "$db" --now "$now" "${cost_args[@]}" | canonical) \
                   <("$python" "$root/bench/cost_by_model.py" "$db" "$now" | canonical) >/dev/null && echo yes || echo NO)
  same_summary=$(diff <("$metadb" --db "$db" --now "$now" "${summary_args[@]}" | canonical) \
                      <("$python" "$root/bench/summary.py" "$db" "$now" | canonical) >/dev/null && echo yes || echo NO)
  METADB_NO_SERVER=1 "$metadb" --db "$db" --now "$now" summary >/dev/null

  declare -A t=()
  for _ in $(seq "$runs"); do
    t[cost_served]+="$(ms "$metadb" --db "$db" --now "$now" "${cost_args[@]}") "
    t[cost_inproc]+="$(METADB_NO_SERVER=1 ms "$metadb" --db "$db" --now "$now" "${cost_args[@]}") "
    t[cost_python]+="$(ms "$python" "$root/bench/cost_by_model.py" "$db" "$now") "
    t[summary_served]+="$(ms "$metadb" --db "$db" --now "$now" "${summary_args[@]}") "
    t[summary_inproc]+="$(METADB_NO_SERVER=1 ms "$metadb" --db "$db" --now "$now" "${summary_args[@]}") "
    t[summary_python]+="$(ms "$python" "$root/bench/summary.py" "$db" "$now") "
    t[floor]+="$(ms "$metadb" --db "$db" query "SELECT 1" --json) "
    for r in cost summary; do
      declare -n args="${r}_args"
      # "metadb: snapshot of N tables in X ms, report in Y ms"
      read -r copy_ms own_ms < <("$metadb" --db "$db" --now "$now" --debug "${args[@]}" 2>&1 >/dev/null \
        | sed -n 's/.* in \([0-9]*\)\.[0-9] ms, report in \([0-9]*\)\.[0-9] ms$/\1 \2/p')
      t[${r}_copy]+="$copy_ms "; t[${r}_own]+="$own_ms "
    done
  done
  # shellcheck disable=SC2086
  floor=$(median ${t[floor]})
  printf 'floor    served query "SELECT 1": %d ms [%s]\n' "$floor" "${t[floor]% }"
  for r in cost summary; do
    # shellcheck disable=SC2086
    s=$(median ${t[${r}_served]}); i=$(median ${t[${r}_inproc]}); p=$(median ${t[${r}_python]})
    printf '%-8s served %5d   in-process %5d   python3 %5d   served/python %s   (same rows: %s)\n' "$r" "$s" "$i" "$p" \
      "$(ratio "$s" "$p")" "$([ "$r" = cost ] && echo "$same_cost" || echo "$same_summary")"
    printf '         served [%s]  in-process [%s]  python3 [%s]\n' "${t[${r}_served]% }" "${t[${r}_inproc]% }" "${t[${r}_python]% }"
    # shellcheck disable=SC2086
    c=$(median ${t[${r}_copy]}); o=$(median ${t[${r}_own]})
    printf '         in the server: copy %d ms + statements %d ms; floor + statements alone %d ms = %sx python3\n' \
      "$c" "$o" "$(( floor + o ))" "$(ratio "$(( floor + o ))" "$p")"
  done

  # Every token_usage row as CSV.
  sql="SELECT * FROM token_usage"
  declare -A e=()
  ref="$dir/export-sqlite3.csv"
  for _ in $(seq "$(( runs < 3 ? runs : 3 ))"); do
    read -r ms_s mb_s < <(peak "$ref" sqlite3 -csv -header "$db" "$sql")
    read -r ms_i mb_i < <(peak "$dir/export-inproc.csv" env METADB_NO_SERVER=1 "$metadb" --db "$db" query "$sql" --csv)
    echo 5 > "/proc/$server_pid/clear_refs" 2>/dev/null || true
    read -r ms_v _ < <(peak "$dir/export-served.csv" "$metadb" --db "$db" query "$sql" --csv)
    mb_v=$(( $(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status") / 1024 ))
    e[sqlite_ms]+="$ms_s "; e[sqlite_mb]+="$mb_s "
    e[inproc_ms]+="$ms_i "; e[inproc_mb]+="$mb_i "
    e[served_ms]+="$ms_v "; e[served_mb]+="$mb_v "
  done
  same_i=$(cmp -s <(tr -d '\r' < "$dir/export-inproc.csv") "$ref" && echo yes || echo NO)
  same_v=$(cmp -s "$dir/export-served.csv" "$dir/export-inproc.csv" && echo yes || echo NO)
  rows=$(( $(wc -l < "$ref") - 1 ))
  # shellcheck disable=SC2086
  {
    ss=$(median ${e[sqlite_ms]}); si=$(median ${e[inproc_ms]}); sv=$(median ${e[served_ms]})
    printf 'query CSV of %d token_usage rows: sqlite3 %d ms %d MB | in-process %d ms (%sx) peak %d MB | served %d ms (%sx) server peak %d MB\n' \
      "$rows" "$ss" "$(median ${e[sqlite_mb]})" "$si" "$(ratio "$si" "$ss")" "$(median ${e[inproc_mb]})" \
      "$sv" "$(ratio "$sv" "$ss")" "$(median ${e[served_mb]})"
    printf '         (same bytes as sqlite3 but CRLF: %s; served = in-process: %s) ms: sqlite3 [%s] in-process [%s] served [%s]\n' \
      "$same_i" "$same_v" "${e[sqlite_ms]% }" "${e[inproc_ms]% }" "${e[served_ms]% }"
  }
  rm -f "$dir"/export-*.csv
  "$metadb" --db "$db" serve --stop >/dev/null
done
