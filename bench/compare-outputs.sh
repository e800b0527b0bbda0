#!/usr/bin/env bash
# Shows that two builds of metadb print byte-identical output: every report example the builds
# list (`metadb __examples`, the Examples of `metadb help REPORT`) and more of each report's
# options, a few `query` statements, each in every format (table, --json, --csv, --nl), error
# cases (bad option, bad --since, unknown report, ...) and the help; comparing stdout, stderr
# and exit code. Over two databases, a fresh demo one and a copy aged by `retention`: on SQLite
# always, on PostgreSQL too when a URL is given (its metadb tables are replaced).
#   bench/compare-outputs.sh OLD/bin/metadb NEW/bin/metadb [postgresql://user:pw@host:port/db]
#   a throwaway PostgreSQL: url=$(bench/pg.sh start); bench/compare-outputs.sh A B "$url"; bench/pg.sh stop
# Prints one line per differing case with the head of its diff, a line per group of cases
# (`compare-outputs: [sqlite:fresh] N cases, M identical, S s`), then
# `compare-outputs: N cases, M identical`; exits 1 if any differ.
# Each build runs in a directory of its own ($work/old, $work/new) on its own copy of the same
# SQLite file, written once by OLD (and checked unchanged after the reads). NEW's `demo` and
# `retention` are compared too, on SQLite: their output and the data they wrote (needs
# sqlite3). On PostgreSQL both builds read the one database OLD wrote.
# Pass installed builds: a source checkout's bin/metadb runs Maven when its sources changed.
# The URL (a throwaway server's password in it) is an argument: visible in `ps` while this runs.
# Two runs must not share one PostgreSQL database (each replaces its metadb tables).
# Each command is a JVM start (OLD's and NEW's run at once): ~430 cases, about 10 min on SQLite
# on an idle 2-core machine, and as long again on PostgreSQL.
set -euo pipefail
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: $0 OLD_METADB NEW_METADB [PG_URL]" >&2; exit 2; }
old=$(readlink -f "$1") new=$(readlink -f "$2") pg=${3:-}
[ -x "$old" ] && [ -x "$new" ] || { echo "compare-outputs: $1 or $2 is not executable" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "compare-outputs: needs sqlite3" >&2; exit 2; }
now=2026-04-20T12:00:00.000Z
work=$(mktemp -d "${TMPDIR:-/tmp}/compare-outputs.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/old" "$work/new"
# Direct runs only: the launcher sends a report to a live `metadb serve` of the same file.
export METADB_NO_SERVER=1
unset METADB_PATH
run() { # old|new ARGS...: in $work/old|new; stdout, stderr, exit code to $work/old|new.*
  local w=$1 rc=0 bin=$old; shift
  [ "$w" = new ] && bin=$new
  # Its own start-up cache (CDS archive): two installs of the same jars would share
  # ~/.cache/metadb/<cksum> and rebuild it on every other call.
  (cd "$work/$w" && XDG_CACHE_HOME="$work/cache-$w" exec "$bin" "$@") >"$work/$w.out" 2>"$work/$w.err" || rc=$?
  echo "$rc" >"$work/$w.rc"
}
# The only outputs found to vary between two runs of one build (same args, same data):
#   demo prints its time ("in 4,512 ms"), retention each table's longest_lock_ms (wall clock).
# `norm=SED check ...` applies SED to both stdouts; no report's or query's output is normalised.
norm=""
cases=0 same=0
where=""  # the database the cases read, as shown (not a PostgreSQL URL: it holds a password)
pre=()    # before each case's args: --db DB --now NOW
differs() { # LABEL FILE1 FILE2...: counts a case per pair given; prints the ones that differ
  local label=$1 bad=""; shift
  cases=$((cases + 1))
  while [ $# -gt 0 ]; do cmp -s "$1" "$2" || bad+="$1 $2 "; shift 2; done
  [ -z "$bad" ] && { same=$((same + 1)); return; }
  set -- $bad
  echo "DIFF [$where] $label:$(while [ $# -gt 0 ]; do printf ' %s' "${1##*.}"; shift 2; done)"
  while [ $# -gt 0 ]; do { diff "$1" "$2" | head -n 6 | sed 's/^/    /'; } || true; shift 2; done
}
g_cases=0 g_same=0 g_start=$SECONDS
group() { # the line of the group of cases run since the last one
  echo "compare-outputs: [$where] $((cases - g_cases)) cases, $((same - g_same)) identical, $((SECONDS - g_start)) s"
  g_cases=$cases g_same=$same g_start=$SECONDS
}
check() { # ARGS...: both builds with ${pre[@]} ARGS, at once (2 cores: half the time)
  run old ${pre[@]+"${pre[@]}"} "$@" & run new ${pre[@]+"${pre[@]}"} "$@" & wait
  [ -z "$norm" ] || sed -E -i "$norm" "$work/old.out" "$work/new.out"
  local cmd; cmd=$(printf ' %q' "$@")
  differs "metadb$cmd" "$work"/{old,new}.out "$work"/{old,new}.err "$work"/{old,new}.rc
}
# A SQLite file's data, but not what varies between two runs of one build's demo or retention:
# Liquibase's DATABASECHANGELOG rows (each migration's wall-clock time, a random deployment id)
# and the ids: a writer leases ids in blocks whose size doubles when one ran out within a
# second (IdLeases), so the unused ends of blocks, the gaps, depend on speed. Rows compare by
# content, in id order.
dump() {
  sqlite3 "$1" .dump | grep -v -e '^INSERT INTO DATABASECHANGELOG ' -e '^INSERT INTO ids ' \
    | sed -E 's/^(INSERT INTO [a-z_]+ VALUES\()[0-9]+,/\1N,/' >"$2"
}

# Warm-up, not compared: a build's first run makes its CDS archive and says so on stderr.
run old __examples & run new __examples & wait

# The command line: help, examples, and error cases that need no database.
where=cli
check --help
check help nosuch
check --now "$now" --db none/meta.db summary
check __examples
reports=$(cat "$work"/{old,new}.out | awk '!seen[$0]++')
lines=$reports
for r in $(printf '%s\n' "$reports" tables schema | awk '!seen[$1]++ {print $1}'); do
  check help "$r"
  # its Examples' "  metadb REPORT ..." lines, but not those with a quote, a --db or a VAR=
  lines+=$'\n'$(cat "$work"/{old,new}.out | awk '/^Examples?:/ {e=1; next} e && /^  metadb /' \
    | grep -v -e '"' -e '--db' -e '=' | sed -E 's/^  metadb //; s/ --(json|csv|nl)//g' || true)
done
for r in query retention demo copy migrate ingest serve bench; do check help "$r"; done
group
# More options than the examples show: the third --by, a day, a timestamp and 30m as --since,
# audit's "yesterday", an agent the database does not know (a note on stderr, exit 0), and
# what retention would do (it writes nothing).
lines+='
cost --by agent --since 7d
summary --since 2026-04-19
cost --since 2026-04-19T06:00:00.000Z
cli --since 30m
audit --day yesterday
agent nosuchagent
retention --dry-run
retention --dry-run --ticks 1d --cli 2d --watchdog 1d --watchdog-red 3d'
mapfile -t lines < <(printf '%s\n' "$lines" | awk 'NF && !seen[$0]++ && ($1 != "retention" || / --dry-run/)')
queries=(
  "SELECT model, count(*) AS calls, sum(cost_usd) AS cost FROM token_usage GROUP BY model ORDER BY model"
  "SELECT table_name, table_type FROM information_schema.tables ORDER BY table_name"
  "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns ORDER BY 1, 2"
  "SELECT * FROM crashes ORDER BY id LIMIT 5"
  "WITH t AS (SELECT agent, count(*) AS n, min(ts) AS first FROM ticks GROUP BY agent) SELECT * FROM t ORDER BY agent"
  "SELECT 'a,b' AS x, 'q\"d' AS y, NULL AS z, 'é✓' AS u, 1.5 AS f, 2 AS i"
)
# The aged copy: windows short enough that rollups replace part of every report's window.
age=(retention --ticks 1d --cli 2d --watchdog 1d --watchdog-red 3d)

cases_on() { # DB LABEL [errors]: every report and query case over one database; the errors too
  local l f q a
  where=$2 pre=(--db "$1" --now "$now")
  for l in "${lines[@]}"; do
    read -ra a <<<"$l"
    for f in "" --json --csv --nl; do check "${a[@]}" $f; done
  done
  for q in "${queries[@]}"; do
    for f in "" --json --csv --nl; do check query "$q" $f; done
  done
  [ -n "${3:-}" ] || return 0
  check cost --bogus
  check summary --since 5x
  check nosuch
  check cost --by week
  check agent
  check audit --day 2026-13-01
  check recent --limit abc
  check tasks --status weird
  check schema nosuch
  check recent --table nosuch --json
  check summary --json --csv
  check --timeout 0s summary
  check query "DELETE FROM ticks WHERE 1 = 0" # refused, exit 2 (and harmless were it not)
  check query "SELEC 1"
  check query "SELECT * FROM nosuch" --csv
  pre=(--db "$1")
  check --now 2026-99-99 summary
}
sqlite_on() { # FILE LABEL [errors]: the cases on each side's copy of FILE, then that both are unchanged
  cases_on "$@"
  dump "$work/old/$1" "$work/old.dump"; dump "$work/new/$1" "$work/new.dump"
  differs "$1 unchanged by the reads (old, new)" "$work/$1.dump" "$work/old.dump" "$work/$1.dump" "$work/new.dump"
  group
}

# SQLite. Each build writes a demo file and ages a copy of it; the reads then run on OLD's files.
where=sqlite pre=(--now "$now")
norm='s/ in [0-9,]+ ms$/ in N ms/' check --db fresh.db demo
dump "$work/old/fresh.db" "$work/fresh.db.dump"; dump "$work/new/fresh.db" "$work/new.dump"
differs "demo: the data written (sqlite3 .dump)" "$work/fresh.db.dump" "$work/new.dump"
cp "$work/old/fresh.db" "$work/old/aged.db"; cp "$work/old/fresh.db" "$work/new/aged.db"
norm='s/"longest_lock_ms":[0-9.E-]+/"longest_lock_ms":N/g' check --db aged.db "${age[@]}" --json
dump "$work/old/aged.db" "$work/aged.db.dump"; dump "$work/new/aged.db" "$work/new.dump"
differs "retention: the data written (sqlite3 .dump)" "$work/aged.db.dump" "$work/new.dump"
group
rm -f "$work"/new/*.db*
for f in fresh aged; do sqlite3 "$work/old/$f.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null; done # to copy the file alone
cp "$work/old/fresh.db" "$work/old/aged.db" "$work/new/"
sqlite_on fresh.db sqlite:fresh errors
sqlite_on aged.db sqlite:aged

# PostgreSQL: OLD replaces the database's tables with the demo, both read it; then OLD ages it.
if [ -n "$pg" ]; then
  for step in "demo --replace" "${age[*]}"; do
    # shellcheck disable=SC2086 # (word splitting wanted)
    run old --db "$pg" --now "$now" $step
    [ "$(cat "$work/old.rc")" = 0 ] || { echo "compare-outputs: metadb $step on PostgreSQL failed:" >&2; cat "$work/old.err" >&2; exit 2; }
    if [ "$step" = "demo --replace" ]; then cases_on "$pg" postgresql:fresh errors; else cases_on "$pg" postgresql:aged; fi
    group
  done
fi

echo "compare-outputs: $cases cases, $same identical"
[ "$cases" -eq "$same" ]
