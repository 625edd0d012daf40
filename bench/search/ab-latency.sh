#!/usr/bin/env bash
# Interleaved latency comparison of two builds on the data a run.sh run left behind (its database BENCH_DB and
# indices BENCH_PREFIX-*, loaded and indexed): for each round, each jar in turn is started on that data, measured
# with SearchBench's latency phase (BENCH_KINDS) and stopped, so both builds see the same data and, round by round,
# the same machine load. Run on purpose, after run.sh:
#
#   bench/search/ab-latency.sh BEFORE.jar AFTER.jar [ROUNDS]       (default 1 round)
#
# Environment as run.sh (BENCH_DB, BENCH_PREFIX, BENCH_PORT, BENCH_HEAP, PG*, ES_URL, JAVA, BENCH_KINDS, BENCH_USERS
# only for the report's header). Results: bench/search/results/<date>-ab-<label>-r<round>.{json,md}, label "a" or "b".
set -euo pipefail

A="$1"; B="$2"; ROUNDS="${3:-1}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
DB="${BENCH_DB:-filestore_bench}"
PREFIX="${BENCH_PREFIX:-filestore-bench}"
PORT="${BENCH_PORT:-18090}"
HEAP="${BENCH_HEAP:-512m}"
ES="${ES_URL:-http://127.0.0.1:9200}"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-filestore}" PGPASSWORD="${PGPASSWORD:-filestore}"
JAVA="${JAVA:-$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -V | tail -1)}"
WORK="$HERE/work"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
APP="http://127.0.0.1:$PORT"
USER0="bench-u0"
FILES="$(psql -qtA -d "$DB" -c "SELECT count(*) FROM file_view")"
USERS="$(psql -qtA -d "$DB" -c "SELECT count(DISTINCT owner_id) FROM file_view")"
USERFILES="$(psql -qtA -d "$DB" -c "SELECT count(*) FROM file_view WHERE owner_id = '$USER0'")"

APP_PID=""
stop_app() {
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  fi
  APP_PID=""
}
trap stop_app EXIT

for (( round = 1; round <= ROUNDS; round++ )); do
  for label in a b; do
    jar="$A"; [[ "$label" == b ]] && jar="$B"
    printf '\n== round %s, %s: %s\n' "$round" "$label" "$jar"
    env SERVER_PORT="$PORT" FILESTORE_DATA_DIR="$WORK/data" \
        FILESTORE_DB_URL="jdbc:postgresql://$PGHOST:5432/$DB" FILESTORE_DB_USER="$PGUSER" \
        FILESTORE_DB_PASSWORD="$PGPASSWORD" FILESTORE_ELASTICSEARCH_URL="$ES" \
        FILESTORE_ELASTICSEARCH_INDEX_PREFIX="$PREFIX" FILESTORE_SECURITY_ADMIN_USER=bench-admin \
        FILESTORE_SECURITY_ADMIN_PASSWORD=bench-admin-password-1 FILESTORE_SECURITY_TRUSTED_HEADER=X-User-Id \
        "$JAVA" "-Xmx$HEAP" -XX:+ExitOnOutOfMemoryError -jar "$jar" > "$WORK/app-$STAMP-$label-r$round.log" 2>&1 &
    APP_PID=$!
    for _ in $(seq 1 240); do
      curl -sf "$APP/health" > /dev/null && break
      kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$WORK/app-$STAMP-$label-r$round.log"; exit 1; }
      sleep 0.5
    done
    results="$WORK/results-$STAMP-$label-r$round.properties"
    {
      echo "run.date=$STAMP-$label-r$round"; echo "run.files=$FILES"; echo "run.users=$USERS"
      echo "run.user=$USER0"; echo "run.userFiles=$USERFILES"; echo "run.cpus=$(nproc)"; echo "run.heap=$HEAP"
      echo "run.jar=$jar"; echo "run.loadBefore=$(cut -d' ' -f1-3 /proc/loadavg)"
    } > "$results"
    "$JAVA" "$HERE/SearchBench.java" latency "$APP" "$USER0" "$results" ${BENCH_KINDS:+"$BENCH_KINDS"}
    echo "run.loadAfter=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$results"
    stop_app
    "$JAVA" "$HERE/SearchBench.java" report "$results" "$HERE/results/$STAMP-ab-$label-r$round.json" \
        "$HERE/results/$STAMP-ab-$label-r$round.md" > /dev/null
  done
done
echo; echo "results: $HERE/results/$STAMP-ab-*"
