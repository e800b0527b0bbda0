#!/usr/bin/env bash
# The OTLP receiver (issue 24): log records/s through /v1/logs of a running `metadb serve`, as
# OTLP/HTTP protobuf and as OTLP/JSON (exports of 512 records, 4 senders at once), against
# the in-process DAO's recordAll writing the same rows (4 threads, batches of 512) in the same
# rounds; the server's CPU per 1,000 records. Medians. Usage: bench/otlp.sh [RECORDS] [ROUNDS]
# (needs a built checkout: mvn -B -q install -DskipTests)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
records="${1:-100000}"
rounds="${2:-5}"
dir="$(mktemp -d)"
checkout="$root/bin/metadb"
cleanup() {
  METADB_NO_SERVER=1 "$checkout" --db "$dir/served.db" serve --stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
export METADB_SERVE_IDLE=0
cd "$root"
mvn -B -q -o -ntp dependency:build-classpath -pl cli -Dmdep.includeScope=test -Dmdep.outputFile="$dir/cp" >/dev/null
METADB_NO_SERVER=1 "$checkout" --db "$dir/served.db" migrate >/dev/null
METADB_JAVA_OPTS="${METADB_BENCH_SERVER_OPTS:-}" "$checkout" --db "$dir/served.db" serve --detach >/dev/null 2>&1
for i in $(seq 600); do
  read -r port _ tok _ < "$dir/served.db-serve" 2>/dev/null || true
  curl -s -H "Authorization: Bearer ${tok:-}" "http://127.0.0.1:${port:-0}/-/status.json" 2>/dev/null | grep -q '"warm":true' && break
  sleep 0.1
done
echo "bench/otlp.sh: $records records a round, $rounds rounds (+1 warm-up), $(nproc) cores"
java -cp "$root/cli/target/test-classes:$root/cli/target/classes:$(cat "$dir/cp")" io.metadb.cli.OtlpBenchMain \
  "$dir/served.db" "$dir/inprocess.db" "$records" "$rounds"
for db in served inprocess; do
  echo "  rows in $db.db: $(sqlite3 "$dir/$db.db" 'SELECT count(*) FROM token_usage')"
done
