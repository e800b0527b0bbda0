#!/usr/bin/env bash
# The first MetaDb.open of an up-to-date file in a new JVM (what a Java service linking the
# DAO jar pays at start), and its first committed write: right after open, and after 1 s of
# the service's own start-up. Each figure is a fresh JVM; rounds interleave this build and,
# with METADB_BASELINE=/other/checkout, that checkout's build; medians of N rounds.
# Usage: bench/first-open.sh [RUNS]   (run after `mvn -B install -DskipTests` in each checkout)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-7}"
base="${METADB_BASELINE:-}"
classpath() { # a checkout's jars (its cli/target/lib) and this harness
  local lib="$1/cli/target/lib" cp="$root/dao/target/test-classes"
  for j in "$lib"/*.jar; do cp+=":$j"; done
  echo "$cp"
}
db="$(mktemp -d)/first-open.db"
java -cp "$(classpath "$root")" io.metadb.dao.FirstOpenMain "$db" 0 >/dev/null # creates and migrates it
builds=("$root")
[ -n "$base" ] && builds+=("$base")
declare -A figures
for _ in $(seq "$runs"); do
  for b in "${builds[@]}"; do
    for wait in 0 1000; do
      read -r open write < <(java -cp "$(classpath "$b")" io.metadb.dao.FirstOpenMain "$db" "$wait")
      figures["$b open $wait"]+="$open "
      figures["$b write $wait"]+="$write "
    done
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-40s %10s %18s %10s %22s\n' build open_ms first_write_ms open_ms "first_write_ms(+1s)"
for b in "${builds[@]}"; do
  printf '%-40s %10s %18s %10s %22s\n' "$b" "$(median <<<"${figures["$b open 0"]}")" \
    "$(median <<<"${figures["$b write 0"]}")" "$(median <<<"${figures["$b open 1000"]}")" \
    "$(median <<<"${figures["$b write 1000"]}")"
done
