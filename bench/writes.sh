#!/usr/bin/env bash
# Writes as whole commands (issue 23), against their baselines in the same rounds, medians:
#   1. a one-row append (`record ticks …`): served from this checkout, served from the
#      installed distribution (the tarball unpacked), in-process (METADB_NO_SERVER=1), and
#      python3 doing what SPEC section 3 asks (BEGIN IMMEDIATE, the ids update, the insert);
#   2. a 200,000-line token_usage ingest: served, in-process, python3 executemany;
#   3. 8 processes appending one row per command at once for SECONDS: served and in-process,
#      rows per second (every row counted in the file afterwards);
#   4. the served floor (`query "select 1"`) against python3's whole-process
#      `cost --by model --since 7d` (bench/cost_by_model.py) on the demo file.
# Usage: bench/writes.sh [RUNS] [SECONDS]     (needs a built checkout and its tarball:
#        mvn -B -q install -DskipTests)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-9}"
seconds="${2:-20}"
# The interpreter itself, never a version manager's shim (pyenv's adds ~100 ms a start).
py3="${METADB_PYTHON:-/usr/bin/python3}"
checkout="$root/bin/metadb"
dir="$(mktemp -d)"
cleanup() {
  for db in "$dir"/*.db; do
    [ -f "$db-serve" ] && METADB_NO_SERVER=1 "$checkout" --db "$db" serve --stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
export METADB_SERVE_IDLE=0 # the servers here are started explicitly
now="2026-04-20T12:00:00.000Z"

tarball="$(ls "$root"/cli/target/metadb-*.tar.gz | head -n 1)"
mkdir -p "$dir/opt" && tar xzf "$tarball" -C "$dir/opt"
installed="$(ls -d "$dir"/opt/*/)bin/metadb"
export XDG_CACHE_HOME="$dir/cache"
"$installed" --version >/dev/null 2>&1 # its start-up cache, once

# Waits until the server of DB has run its start-up warm-up (GET /-/status.json says "warm").
await_warm() {
  local port tok i
  for i in $(seq 600); do
    read -r port _ tok _ < "$1-serve" 2>/dev/null || true
    curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/-/status.json" 2>/dev/null | grep -q '"warm":true' && return 0
    sleep 0.1
  done
  echo "bench/writes.sh: the server of $1 did not warm up" >&2
  exit 1
}
t_ms() { local s e; s=$EPOCHREALTIME; "$@" >/dev/null 2>&1; e=$EPOCHREALTIME; echo $(( (${e/./} - ${s/./}) / 1000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
count() { sqlite3 "$1" "SELECT count(*) FROM $2"; }

cat > "$dir/append.py" <<'PY'
import datetime, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA busy_timeout = 10000")
db.execute("BEGIN IMMEDIATE")
(i,) = db.execute("UPDATE ids SET id = id + 1 WHERE name = 'ticks' RETURNING id").fetchone()
ts = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
db.execute("INSERT INTO ticks (id, ts, row_json) VALUES (?, ?, ?)",
           (i, ts, json.dumps({"agent": sys.argv[2], "kind": "heartbeat", "status": "ok", "duration_ms": 12})))
db.execute("COMMIT")
PY

METADB_NO_SERVER=1 "$checkout" --db "$dir/template.db" migrate >/dev/null
# python3 needs the ids row of ticks (the DAOs make it on their first lease).
sqlite3 "$dir/template.db" "INSERT OR IGNORE INTO ids (name, id) VALUES ('ticks', 0)"
for name in served installed alone python; do cp "$dir/template.db" "$dir/$name.db"; done
"$checkout" --db "$dir/served.db" serve --detach >/dev/null
"$installed" --db "$dir/installed.db" serve --detach >/dev/null
record=(record ticks agent=agent8 kind=heartbeat status=ok duration_ms:=12)
# A resident server is long-lived: measured warm (its own warm-up at start, and these).
await_warm "$dir/served.db"; await_warm "$dir/installed.db"
for w in $(seq 20); do
  "$checkout" --db "$dir/served.db" "${record[@]}" >/dev/null
  "$installed" --db "$dir/installed.db" "${record[@]}" >/dev/null
done

echo "== 1. one-row append as a whole command, $runs rounds (median ms)"
s=(); i=(); a=(); p=()
for r in $(seq "$runs"); do
  s+=("$(t_ms "$checkout" --db "$dir/served.db" "${record[@]}")")
  i+=("$(t_ms "$installed" --db "$dir/installed.db" "${record[@]}")")
  a+=("$(METADB_NO_SERVER=1 t_ms "$checkout" --db "$dir/alone.db" "${record[@]}")")
  p+=("$(t_ms "$py3" "$dir/append.py" "$dir/python.db" agent8)")
done
ms=$(median "${s[@]}"); mi=$(median "${i[@]}"); ma=$(median "${a[@]}"); mp=$(median "${p[@]}")
echo "served, checkout:   $ms ms   ($(ratio "$ms" "$mp")x python3; target <= 0.5x)"
echo "served, installed:  $mi ms   ($(ratio "$mi" "$mp")x python3; target <= 0.3x)"
echo "in-process:         $ma ms   ($(ratio "$ma" "$mp")x python3)"
echo "python3 (ids):      $mp ms"
[ "$(count "$dir/served.db" ticks)" = $((runs + 20)) ] && [ "$(count "$dir/alone.db" ticks)" = "$runs" ] \
  || { echo "bench/writes.sh: rows lost"; exit 1; }

echo "== 2. 200,000-line token_usage ingest ($(( runs < 5 ? runs : 5 )) rounds, median ms)"
"$py3" "$root/bench/token_usage_lines.py" "$dir/lines.jsonl" 200000
echo "($(( $(wc -c < "$dir/lines.jsonl") / 1024 / 1024 )) MB of JSON Lines)"
s=(); a=(); p=()
for r in $(seq $(( runs < 5 ? runs : 5 ))); do
  # Each into an empty table, as the in-process and python3 runs (the warm server's table is emptied first).
  sqlite3 "$dir/served.db" "DELETE FROM token_usage"
  s+=("$(t_ms "$checkout" --db "$dir/served.db" ingest token_usage "$dir/lines.jsonl")")
  [ "$(count "$dir/served.db" token_usage)" = 200000 ] || { echo "served ingest lost rows"; exit 1; }
  cp "$dir/template.db" "$dir/alone-ingest.db"; cp "$dir/template.db" "$dir/python-ingest.db"
  a+=("$(METADB_NO_SERVER=1 t_ms "$checkout" --db "$dir/alone-ingest.db" ingest token_usage "$dir/lines.jsonl")")
  p+=("$(t_ms "$py3" "$root/bench/ingest_baseline.py" "$dir/python-ingest.db" "$dir/lines.jsonl")")
  [ "$(count "$dir/alone-ingest.db" token_usage)" = 200000 ] || { echo "in-process ingest lost rows"; exit 1; }
done
ms=$(median "${s[@]}"); ma=$(median "${a[@]}"); mp=$(median "${p[@]}")
echo "served:             $ms ms   ($(ratio "$ms" "$mp")x python3; target <= 0.5x)"
echo "in-process:         $ma ms   ($(ratio "$ma" "$mp")x python3)"
echo "python3 executemany: $mp ms"

echo "== 3. 8 processes appending one row per command for $seconds s"
appenders() { # db NAME=VALUE: rows appended per second by 8 loops (bash builtins only between commands)
  local db="$1" before after end
  before=$(count "$db" ticks)
  end=$(( SECONDS + seconds ))
  for w in 1 2 3 4 5 6 7 8; do
    ( export "$2"; while [ "$SECONDS" -lt "$end" ]; do "$checkout" --db "$db" record ticks agent="w$w" kind=k status=ok \
        duration_ms:=1 >/dev/null 2>&1 || echo "failed" >> "$dir/failures"; done ) &
  done
  wait
  after=$(count "$db" ticks)
  awk -v n=$(( after - before )) -v s="$seconds" 'BEGIN {printf "%.1f", n / s}'
}
rm -f "$dir/failures"
rs=$(appenders "$dir/served.db" METADB_SERVE_IDLE=0)
ra=$(appenders "$dir/alone.db" METADB_NO_SERVER=1)
echo "served:             $rs rows/s"
echo "in-process:         $ra rows/s   (served: $(ratio "$rs" "$ra")x; target >= 50x)"
echo "failed commands:    $( [ -f "$dir/failures" ] && wc -l < "$dir/failures" || echo 0)"

echo "== 4. the served floor, $runs rounds (median ms)"
METADB_NO_SERVER=1 "$checkout" --db "$dir/demo.db" --now "$now" demo >/dev/null
cp "$dir/demo.db" "$dir/demo-installed.db"
"$checkout" --db "$dir/demo.db" serve --detach >/dev/null
"$installed" --db "$dir/demo-installed.db" serve --detach >/dev/null
await_warm "$dir/demo.db"; await_warm "$dir/demo-installed.db"
for w in $(seq 20); do
  "$checkout" --db "$dir/demo.db" query "select 1" >/dev/null
  "$installed" --db "$dir/demo-installed.db" query "select 1" >/dev/null
done
f=(); g=(); p=()
for r in $(seq "$runs"); do
  f+=("$(t_ms "$checkout" --db "$dir/demo.db" query "select 1")")
  g+=("$(t_ms "$installed" --db "$dir/demo-installed.db" query "select 1")")
  p+=("$(t_ms "$py3" "$root/bench/cost_by_model.py" "$dir/demo.db" "$now")")
done
mf=$(median "${f[@]}"); mg=$(median "${g[@]}"); mp=$(median "${p[@]}")
echo "served query \"select 1\", checkout:  $mf ms   ($(ratio "$mf" "$mp")x python3's cost; target <= 0.15x)"
echo "served query \"select 1\", installed: $mg ms   ($(ratio "$mg" "$mp")x python3's cost)"
echo "python3 cost --by model --since 7d: $mp ms"
