#!/usr/bin/env bash
# Time-travel benchmark: a store of FILES files (bench/search/load-events.sql: uploads over two years, 4 owners,
# folders /<department>/<project>[/<year>]) with sharing history (every 10th file shared with one of 50 groups,
# MEMBERS users in 3 groups each: load-access.sql), written into a fresh event store and turned into views by the
# application's own processors (the replay path). Then the latency of asOf answers, a folder listing of about
# FILES/1000 files as of an instant, and the "who could access" question, against the present-tense metadata read
# of the same service in the same run. Run on purpose, never by the tests:
#
#   bench/history/run.sh [FILES]        (default 100000; the issue's target store is 1000000)
#
# Environment (defaults): BENCH_DB=filestore_history_bench  BENCH_PREFIX=filestore-hbench  BENCH_PORT=18091
#   BENCH_HEAP=768m  BENCH_REPS=3  MEMBERS=1000  PGHOST=127.0.0.1 PGUSER=filestore PGPASSWORD=filestore
#   ES_URL=http://127.0.0.1:9200  JAVA (the newest JDK under /usr/lib/jvm)
# The database BENCH_DB is dropped and recreated, the indices BENCH_PREFIX-* deleted. Results:
# bench/history/results/<time>-<FILES>.json (and the table on the console).
set -euo pipefail

FILES="${1:-100000}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"
DB="${BENCH_DB:-filestore_history_bench}"
PREFIX="${BENCH_PREFIX:-filestore-hbench}"
USERS=4
MEMBERS="${MEMBERS:-1000}"
PORT="${BENCH_PORT:-18091}"
HEAP="${BENCH_HEAP:-768m}"
REPS="${BENCH_REPS:-3}"
ES="${ES_URL:-http://127.0.0.1:9200}"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-filestore}" PGPASSWORD="${PGPASSWORD:-filestore}"
JAVA="${JAVA:-$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -V | tail -1)}"
JAR="$REPO/api/target/filestore.jar"
WORK="$HERE/work"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
APP="http://127.0.0.1:$PORT"
ADMIN="bench-admin"
CHUNK=100000

say() { printf '\n== %s\n' "$*"; }
mkdir -p "$WORK" "$HERE/results"
if [[ ! -f "$JAR" ]]; then
  say "building $JAR"
  (cd "$REPO" && mvn -B -q -o package -DskipTests)
fi

APP_PID=""
start_app() {
  say "starting the application on port $PORT"
  env SERVER_PORT="$PORT" FILESTORE_DATA_DIR="$WORK/data" \
      FILESTORE_DB_URL="jdbc:postgresql://$PGHOST:5432/$DB" FILESTORE_DB_USER="$PGUSER" \
      FILESTORE_DB_PASSWORD="$PGPASSWORD" FILESTORE_ELASTICSEARCH_URL="$ES" \
      FILESTORE_ELASTICSEARCH_INDEX_PREFIX="$PREFIX" FILESTORE_SECURITY_ADMIN_USER="$ADMIN" \
      FILESTORE_SECURITY_ADMIN_PASSWORD=bench-admin-password-1 FILESTORE_SECURITY_TRUSTED_HEADER=X-User-Id \
      FILESTORE_BLOB_STORE_SCRUB_ENABLED=false \
      "$JAVA" "-Xmx$HEAP" -XX:+ExitOnOutOfMemoryError -jar "$JAR" > "$WORK/app-$STAMP.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 240); do
    if curl -sf "$APP/health" > /dev/null; then return 0; fi
    kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$WORK/app-$STAMP.log"; exit 1; }
    sleep 0.5
  done
  echo "the application did not start"; exit 1
}
stop_app() {
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  fi
  APP_PID=""
}
trap stop_app EXIT

say "fresh database $DB and no $PREFIX-* indices"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
for index in $(curl -s "$ES/_cat/indices/$PREFIX-*?h=index"); do curl -s -X DELETE "$ES/$index" > /dev/null; done
rm -rf "$WORK/data"

start_app   # creates the schema (Flyway) on an empty store
stop_app

say "loading $FILES uploads and their sharing history into the event store"
started=$(date +%s)
for (( first = 1; first <= FILES; first += CHUNK )); do
  last=$(( first + CHUNK - 1 < FILES ? first + CHUNK - 1 : FILES ))
  psql -q -d "$DB" -v first="$first" -v last="$last" -v users="$USERS" -f "$REPO/bench/search/load-events.sql" > /dev/null
  echo "  $last"
done
psql -q -d "$DB" -v files="$FILES" -v users="$USERS" -v members="$MEMBERS" -f "$HERE/load-access.sql" > /dev/null
psql -q -d "$DB" -c "VACUUM ANALYZE domain_event_entry"
echo "  loaded in $(( $(date +%s) - started )) s"

start_app
say "the projections catch up (history, metadata, search, audit, shares, users)"
started=$(date +%s)
python3 "$HERE/bench.py" wait "$APP" "$ADMIN"
echo "  caught up in $(( $(date +%s) - started )) s"
psql -q -d "$DB" -c "ANALYZE" 2> /dev/null

say "latency, $REPS interleaved repetitions (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 "$HERE/bench.py" latency "$APP" "$FILES" "$USERS" "$ADMIN" "$HERE/results/$STAMP-$FILES.json" "$REPS"
stop_app
echo; echo "results: $HERE/results/$STAMP-$FILES.json (app log: $WORK/app-$STAMP.log)"
