#!/usr/bin/env bash
# Search benchmark: loads FILES files' metadata as FileUploadedEvents into a fresh event store, starts the packaged
# application so that its processors index them (the replay path), then measures search latency, a full index
# rebuild with searches running, and the cost of read-your-writes on uploads. Run on purpose, never by the tests:
#
#   bench/search/run.sh [FILES]        (default 100000; the issue's target size is 1000000)
#
# Environment (defaults): BENCH_DB=filestore_bench  BENCH_PREFIX=filestore-bench  BENCH_USERS=4  BENCH_PORT=18090
#   BENCH_HEAP=512m  PGHOST=127.0.0.1 PGUSER=filestore PGPASSWORD=filestore  ES_URL=http://127.0.0.1:9200
#   JAVA (the newest JDK under /usr/lib/jvm)  BENCH_PHASES="latency rebuild uploads" (what runs after indexing)
#   BENCH_JAR (api/target/filestore.jar) the application to measure
#   BENCH_KINDS (all) the latency kinds to measure, comma-separated: baseline-get, baseline-list, list-cursor,
#   fulltext, filtered, faceted, deep-paged (list-cursor needs a build whose plain listing answers nextCursor)
# The database BENCH_DB is dropped and recreated, and the indices BENCH_PREFIX-* are deleted. Results go to
# bench/search/results/<date>-<FILES>.{json,md}.
set -euo pipefail

FILES="${1:-100000}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"
DB="${BENCH_DB:-filestore_bench}"
PREFIX="${BENCH_PREFIX:-filestore-bench}"
USERS="${BENCH_USERS:-4}"
PORT="${BENCH_PORT:-18090}"
HEAP="${BENCH_HEAP:-512m}"
ES="${ES_URL:-http://127.0.0.1:9200}"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-filestore}" PGPASSWORD="${PGPASSWORD:-filestore}"
JAVA="${JAVA:-$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -V | tail -1)}"
JAR="${BENCH_JAR:-$REPO/api/target/filestore.jar}"
WORK="$HERE/work"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
RESULTS="$WORK/results-$STAMP.properties"
APP="http://127.0.0.1:$PORT"
ADMIN="bench-admin"
USER0="bench-u0"
CHUNK=100000
PHASES=" ${BENCH_PHASES:-latency rebuild uploads} "

say() { printf '\n== %s\n' "$*"; }
bench() { "$JAVA" "$HERE/SearchBench.java" "$@"; }
prop() { printf '%s=%s\n' "$1" "$2" >> "$RESULTS"; }

mkdir -p "$WORK" "$HERE/results"
if [[ ! -f "$JAR" ]]; then
  say "building $JAR"
  (cd "$REPO" && mvn -B -q -o package -DskipTests)
fi

APP_PID=""
start_app() { # extra environment assignments as arguments
  say "starting the application on port $PORT ($*)"
  env SERVER_PORT="$PORT" FILESTORE_DATA_DIR="$WORK/data" \
      FILESTORE_DB_URL="jdbc:postgresql://$PGHOST:5432/$DB" FILESTORE_DB_USER="$PGUSER" \
      FILESTORE_DB_PASSWORD="$PGPASSWORD" FILESTORE_ELASTICSEARCH_URL="$ES" \
      FILESTORE_ELASTICSEARCH_INDEX_PREFIX="$PREFIX" FILESTORE_SECURITY_ADMIN_USER="$ADMIN" FILESTORE_SECURITY_ADMIN_PASSWORD=bench-admin-password-1 FILESTORE_SECURITY_TRUSTED_HEADER=X-User-Id "$@" \
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

prop run.date "$STAMP"
prop run.files "$FILES"
prop run.users "$USERS"
prop run.user "$USER0"
prop run.userFiles "$(( (FILES + USERS - 1) / USERS ))"
prop run.cpus "$(nproc)"
prop run.heap "$HEAP"
prop run.loadBefore "$(cut -d' ' -f1-3 /proc/loadavg)"

start_app   # creates the schema (Flyway) and the processors' tokens on an empty store
stop_app

say "loading $FILES FileUploadedEvents into the event store"
started=$(date +%s)
for (( first = 1; first <= FILES; first += CHUNK )); do
  last=$(( first + CHUNK - 1 < FILES ? first + CHUNK - 1 : FILES ))
  psql -q -d "$DB" -v first="$first" -v last="$last" -v users="$USERS" -f "$HERE/load-events.sql" > /dev/null
  echo "  $last"
done
prop load.seconds "$(( $(date +%s) - started ))"
psql -q -d "$DB" -c "VACUUM ANALYZE domain_event_entry"

start_app
say "indexing: the search and metadata processors catch up with $FILES events"
bench index "$APP" "$ES" "$PREFIX-files" "$FILES" "$RESULTS"

if [[ "$PHASES" == *" latency "* ]]; then
  say "query latency (as $USER0)"
  bench latency "$APP" "$USER0" "$RESULTS" ${BENCH_KINDS:+"$BENCH_KINDS"}
fi
if [[ "$PHASES" == *" rebuild "* ]]; then
  say "rebuild by replay into a new index, searches running"
  bench rebuild "$APP" "$ADMIN" "$USER0" "$FILES" "$RESULTS"
fi
if [[ "$PHASES" == *" uploads "* ]]; then
  say "uploads with read-your-writes for search"
  bench uploads "$APP" ryw-on 200 "$RESULTS"
  stop_app
  start_app FILESTORE_SEARCH_READYOURWRITES=false
  say "uploads without read-your-writes for search"
  bench uploads "$APP" ryw-off 200 "$RESULTS"
fi
if [[ -n "${BENCH_KEEP_RUNNING:-}" ]]; then
  say "the application keeps running on $APP (pid $APP_PID) until you press Enter"
  read -r
fi
stop_app

prop run.loadAfter "$(cut -d' ' -f1-3 /proc/loadavg)"
bench report "$RESULTS" "$HERE/results/$STAMP-$FILES.json" "$HERE/results/$STAMP-$FILES.md"
echo; echo "results: $HERE/results/$STAMP-$FILES.md and .json (app log: $WORK/app-$STAMP.log)"
