#!/usr/bin/env bash
# Scale benchmark (issue 14, "a billion files, measured not guessed"): writes a synthetic history of FILES files
# straight into a fresh event store (load-history.sql: uploads, ~30% new versions, ~20% metadata edits, ~10% shares;
# the owner bench-big owns the first BENCH_BIG files, the others are spread over BENCH_USERS owners), then measures
# the event store's bytes per file and event, the replay rate of every projection for a bounded window, the views'
# and the search index's bytes per file, listing / metadata / search latency as bench-big, a backup of the whole
# store and a restore's validating and loading phases into a second, empty store. Run on purpose, never by tests:
#
#   bench/scale/run.sh [FILES]          (default 10000000)
#
# Environment (defaults): BENCH_DB=filestore_scale  BENCH_PREFIX=filestore-scale  BENCH_PORT=18095
#   BENCH_BIG=1000000 (capped at FILES)  BENCH_USERS=10000  BENCH_CHUNK=500000  BENCH_HEAP=1g
#   BENCH_REPLAY_SECONDS=900 (the replay runs at least this long unless everything caught up, and on until bench-big's
#   files are in the metadata views and the search index, at most 3 times as long)
#   BENCH_PHASES="latency backup restore"  BENCH_RESTORE_SAMPLE=60 (seconds of the restore's replay sampled)
#   BENCH_CHECK=1 (small histories: wait for every projection and compare the views with the events; see check.py)
#   BENCH_BLOBS=64 (distinct real blobs, uploaded through the API, that the generated files reference)
#   PGHOST=127.0.0.1 PGUSER=filestore PGPASSWORD=filestore  ES_URL=http://127.0.0.1:9200  JAVA (newest JDK)
#   BENCH_JAR (api/target/filestore.jar)
# The databases BENCH_DB and BENCH_DB_restore are dropped and recreated, the indices BENCH_PREFIX-* deleted, and
# bench/scale/work/ (app logs, data directory, backups) reused. Results: bench/scale/results/<date>-<FILES>.{json,md}.
set -euo pipefail

FILES="${1:-10000000}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"
DB="${BENCH_DB:-filestore_scale}"
DB2="${DB}_restore"
PREFIX="${BENCH_PREFIX:-filestore-scale}"
BIG="${BENCH_BIG:-1000000}"; (( BIG > FILES )) && BIG="$FILES"
USERS="${BENCH_USERS:-10000}"
CHUNK="${BENCH_CHUNK:-500000}"
PORT="${BENCH_PORT:-18095}"
PORT2=$(( PORT + 1 ))
HEAP="${BENCH_HEAP:-1g}"
WINDOW="${BENCH_REPLAY_SECONDS:-900}"
BLOBS="${BENCH_BLOBS:-64}"
PHASES=" ${BENCH_PHASES:-latency backup restore} "
ES="${ES_URL:-http://127.0.0.1:9200}"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-filestore}" PGPASSWORD="${PGPASSWORD:-filestore}"
JAVA="${JAVA:-$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -V | tail -1)}"
JAR="${BENCH_JAR:-$REPO/api/target/filestore.jar}"
WORK="$HERE/work/$DB"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
RESULTS="$WORK/results-$STAMP.json"
ADMIN="bench-admin"

say() { printf '\n== [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
py() { python3 "$HERE/scale.py" "$@"; }
set_() { py set "$RESULTS" "$@"; }
q() { psql -X -Atq -d "$1" -c "$2"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

mkdir -p "$WORK" "$HERE/results"
if [[ ! -f "$JAR" ]]; then
  say "building $JAR"
  (cd "$REPO" && mvn -B -q -o package -DskipTests)
fi

declare -A PIDS=()
start_app() { # name db port prefix [extra environment assignments]
  local name="$1" db="$2" port="$3" prefix="$4"; shift 4
  say "starting the application $name on port $port (database $db)"
  env SERVER_PORT="$port" FILESTORE_DATA_DIR="$WORK/data-$name" \
      FILESTORE_DB_URL="jdbc:postgresql://$PGHOST:5432/$db" FILESTORE_DB_USER="$PGUSER" \
      FILESTORE_DB_PASSWORD="$PGPASSWORD" FILESTORE_ELASTICSEARCH_URL="$ES" FILESTORE_ES_URL="$ES" \
      FILESTORE_ELASTICSEARCH_INDEX_PREFIX="$prefix" FILESTORE_SECURITY_ADMIN_USER="$ADMIN" \
      FILESTORE_SECURITY_ADMIN_PASSWORD=bench-admin-password-1 FILESTORE_SECURITY_TRUSTED_HEADER=X-User-Id \
      FILESTORE_BLOB_STORE_SCRUB_ENABLED=false FILESTORE_INSTANCE_ID="scale-$name" "$@" \
      "$JAVA" "-Xmx$HEAP" -XX:+ExitOnOutOfMemoryError -jar "$JAR" >> "$WORK/app-$STAMP-$name.log" 2>&1 &
  PIDS[$name]=$!
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$port/health" > /dev/null; then return 0; fi
    kill -0 "${PIDS[$name]}" 2>/dev/null || { tail -40 "$WORK/app-$STAMP-$name.log"; exit 1; }
    sleep 0.5
  done
  echo "the application did not start"; exit 1
}
stop_app() { # name
  local pid="${PIDS[$1]:-}"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; wait "$pid" 2>/dev/null || true
  fi
  PIDS[$1]=""
}
stop_all() { for name in "${!PIDS[@]}"; do stop_app "$name"; done; }
trap stop_all EXIT
APP="http://127.0.0.1:$PORT"
APP2="http://127.0.0.1:$PORT2"

say "fresh databases $DB, $DB2 and no $PREFIX-* indices"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $DB2 WITH (FORCE)" \
     -c "CREATE DATABASE $DB"
for index in $(curl -s "$ES/_cat/indices/$PREFIX-*?h=index"); do curl -s -X DELETE "$ES/$index" > /dev/null; done
rm -rf "$WORK/data-main" "$WORK/data-restore"

set_ run.date "$STAMP" run.files "$FILES" run.big "$BIG" run.users "$USERS" run.chunk "$CHUNK" run.heap "$HEAP" \
     run.cpus "$(nproc)" run.ramGiB "$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)" \
     run.loadBefore "$(load)" run.replayWindow "$WINDOW" run.blobs "$BLOBS" \
     run.postgres "$(q postgres 'SHOW server_version')" \
     run.elasticsearch "$(curl -s "$ES/_cat/nodes?h=version" | head -1)"

start_app main "$DB" "$PORT" "$PREFIX"   # creates the schema (Flyway) and the processors' tokens on an empty store
say "uploading $BLOBS real blobs that the generated files will reference"
q "$DB" "CREATE SCHEMA bench; CREATE TABLE bench.blob_pool (i int PRIMARY KEY, sha256 text NOT NULL, size bigint NOT NULL)"
for (( i = 0; i < BLOBS; i++ )); do
  body="$(head -c $(( 1024 + i * 97 )) /dev/zero | tr '\0' "$(printf \\$(printf %o $(( 97 + i % 26 ))))")$i"
  answer="$(printf '%s' "$body" | curl -sf -X POST -H 'X-User-Id: bench-seed' -H 'Content-Type: application/octet-stream' \
            --data-binary @- "$APP/api/files/upload?name=seed-$i.bin")"
  sha="$(printf '%s' "$answer" | grep -o 'sha256:[0-9a-f]\{64\}' | head -1 | cut -d: -f2)"
  [[ -n "$sha" ]] || { echo "no checksum in the upload answer: $answer"; exit 1; }
  q "$DB" "INSERT INTO bench.blob_pool VALUES ($i, '$sha', ${#body})"
done
py wait "$APP" "$ADMIN"
stop_app main

EVENTS_BEFORE="$(q "$DB" "SELECT count(*) FROM domain_event_entry")"
say "loading the history of $FILES files into the event store ($CHUNK files per statement)"
started=$(date +%s)
for (( first = 1; first <= FILES; first += CHUNK )); do
  last=$(( first + CHUNK - 1 < FILES ? first + CHUNK - 1 : FILES ))
  psql -X -q -d "$DB" -v first="$first" -v last="$last" -v total="$FILES" -v big="$BIG" -v users="$USERS" \
       -f "$HERE/load-history.sql"
  echo "  files $last of $FILES after $(( $(date +%s) - started )) s"
done
set_ load.seconds "$(( $(date +%s) - started ))"
q "$DB" "VACUUM ANALYZE domain_event_entry"
set_ run.loadAfterLoad "$(load)" \
     store.events "$(( $(q "$DB" "SELECT count(*) FROM domain_event_entry") - EVENTS_BEFORE ))" \
     store.allEvents "$(q "$DB" "SELECT count(*) FROM domain_event_entry")" \
     store.bytes "$(q "$DB" "SELECT pg_total_relation_size('domain_event_entry')")" \
     store.tableBytes "$(q "$DB" "SELECT pg_table_size('domain_event_entry')")" \
     store.indexBytes "$(q "$DB" "SELECT pg_indexes_size('domain_event_entry')")" \
     store.payloadBytes "$(q "$DB" "SELECT sum(octet_length(payload) + octet_length(meta_data)) FROM domain_event_entry")" \
     store.byType "$(q "$DB" "SELECT string_agg(t || '=' || c, ' ') FROM (SELECT substring(payload_type from '[^.]*$') t, count(*) c FROM domain_event_entry GROUP BY 1 ORDER BY 1) x")"
# the last event of bench-big's files: once the metadata and search projections pass it, bench-big is complete
BIG_HEAD="$(q "$DB" "SELECT max(global_index) FROM domain_event_entry WHERE aggregate_identifier = (SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) || '-' || substr(h, 21, 12) FROM md5('bench-file-$BIG') AS h)")"
set_ store.bigHead "$BIG_HEAD"

# The processors' positions as loaded (before the history); backup and restore run first on an idle application
# (every processor set to the head of the store), then the positions are put back and the replay is measured.
HEAD="$(q "$DB" "SELECT max(global_index) FROM domain_event_entry")"
q "$DB" "CREATE TABLE bench.token_saved AS SELECT * FROM token_entry"
to_head() { q "$DB" "UPDATE token_entry SET owner = NULL, token_type = 'org.axonframework.eventhandling.GapAwareTrackingToken', token = convert_to('{\"index\":$HEAD,\"gaps\":[]}', 'UTF8') $1"; }

if [[ "$PHASES" == *" backup "* ]]; then
  to_head ""
  start_app main "$DB" "$PORT" "$PREFIX"
  say "backup of the whole store (at most ${BENCH_BACKUP_MAX:-unlimited} s)"
  BACKUP_ID="$(py backup "$RESULTS" "$APP" "$ADMIN" "${BENCH_BACKUP_MAX:-0}" | tail -1)"
  stop_app main
  if [[ "$BACKUP_ID" != PARTIAL* ]]; then
    set_ backup.directoryBytes "$(du -sb "$WORK/data-main/backups/$BACKUP_ID" | cut -f1)"
    if [[ "$PHASES" == *" restore "* ]]; then
      say "restore into an empty store ($DB2): validating and loading measured, the replay sampled"
      psql -X -q -d postgres -c "CREATE DATABASE $DB2"
      start_app restore "$DB2" "$PORT2" "$PREFIX-restore" FILESTORE_BACKUP_DIRECTORY="$WORK/data-main/backups"
      py restore "$RESULTS" "$APP2" "$ADMIN" "$BACKUP_ID" "${BENCH_RESTORE_SAMPLE:-60}" "${BENCH_RESTORE_MAX:-0}"
      stop_app restore
      set_ restore.storeBytes "$(q "$DB2" "SELECT pg_total_relation_size('domain_event_entry')")"
      psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB2 WITH (FORCE)"
      for index in $(curl -s "$ES/_cat/indices/$PREFIX-restore-*?h=index"); do curl -s -X DELETE "$ES/$index" > /dev/null; done
    fi
  fi
  q "$DB" "DELETE FROM token_entry; INSERT INTO token_entry SELECT * FROM bench.token_saved"
fi

start_app main "$DB" "$PORT" "$PREFIX"
say "replay: every projection builds its views from the loaded events (window $WINDOW s)"
if [[ -n "${BENCH_CHECK:-}" ]]; then
  py replay "$RESULTS" "$APP" "$ADMIN" 100000 "$BIG_HEAD"
  say "check: the views against the generated events"
  python3 "$HERE/check.py" "$RESULTS" "$APP" "$ADMIN" "$DB"
else
  py replay "$RESULTS" "$APP" "$ADMIN" "$WINDOW" "$BIG_HEAD" "${BENCH_FOCUS:-}"
fi
py dlq "$RESULTS" "$APP" "$ADMIN"
set_ log.errorLines "$(grep -c ' ERROR ' "$WORK/app-$STAMP-main.log" || true)"
set_ run.loadAfterReplay "$(load)"
stop_app main
if [[ -n "${BENCH_FOCUS:-}" ]] && [[ "$(py get "$RESULTS" replay.bigComplete)" != "True" ]]; then
  # BENCH_FOCUS=1: after the window, only the projections that listing and search read (metadata, search) go on
  # replaying until bench-big's files are in them (at most BENCH_FOCUS_MAX seconds); the others stop where they are.
  to_head "WHERE processor_name NOT IN ('metadata', 'search')"
  start_app main "$DB" "$PORT" "$PREFIX"
  say "replay of metadata and search only, until bench-big is complete (at most ${BENCH_FOCUS_MAX:-3600} s)"
  py focus "$RESULTS" "$APP" "$ADMIN" "${BENCH_FOCUS_MAX:-3600}" "$BIG_HEAD"
  stop_app main
fi

say "sizes of the views and the search index"
REPLAYED="$(q "$DB" "SELECT count(*) FROM file_view")"
INFRA="'domain_event_entry','snapshot_event_entry','token_entry','dead_letter_entry','saga_entry','association_value_entry','flyway_schema_history','idempotency_key','long_operation','password_guess','storage_node_added','store_identity'"
while IFS='|' read -r table bytes rows; do set_ "views.table.$table" "$bytes" "views.rows.$table" "$rows"; done < <(q "$DB" \
  "SELECT relname, pg_total_relation_size(oid), (SELECT n_live_tup FROM pg_stat_user_tables s WHERE s.relid = c.oid) FROM pg_class c WHERE relkind IN ('r','p') AND relnamespace = 'public'::regnamespace AND relname NOT IN ($INFRA) ORDER BY 1")
curl -s -X POST "$ES/$PREFIX-*/_refresh" > /dev/null
curl -s -X POST "$ES/$PREFIX-*/_forcemerge?max_num_segments=1" > /dev/null || true
read -r idx_docs idx_bytes < <(curl -s "$ES/$PREFIX-files/_stats/docs,store" | python3 -c \
  'import json,sys; t=json.load(sys.stdin)["_all"]["primaries"]; print(t["docs"]["count"], t["store"]["size_in_bytes"])')
set_ views.files "$REPLAYED" \
     views.bytes "$(q "$DB" "SELECT sum(pg_total_relation_size(oid)) FROM pg_class WHERE relkind IN ('r','p') AND relnamespace = 'public'::regnamespace AND relname NOT IN ($INFRA)")" \
     views.versions "$(q "$DB" "SELECT count(*) FROM file_version_view")" \
     views.shares "$(q "$DB" "SELECT count(*) FROM share_view")" \
     index.docs "$idx_docs" index.bytes "$idx_bytes"

# For the latency, the processors are set to the head of the store (as if they had caught up) so that no replay
# competes with the requests; the views stay as replayed.
to_head ""
start_app main "$DB" "$PORT" "$PREFIX"
if [[ "$PHASES" == *" latency "* ]]; then
  BIG_FILES="$(curl -s -H 'X-User-Id: bench-big' "$APP/api/files?limit=1" | grep -o '"total":[0-9]*' | cut -d: -f2)"
  set_ latency.bigFiles "${BIG_FILES:-0}"
  say "latency as bench-big (${BIG_FILES:-?} files listed)"
  q "$DB" "ANALYZE" 2> /dev/null
  BENCH_SPREAD_FILES="$BIG" "$JAVA" "$REPO/bench/search/SearchBench.java" latency "$APP" bench-big "$WORK/latency-$STAMP.properties" \
      "${BENCH_KINDS:-baseline-get,get-spread,versions-spread,baseline-list,list-cursor,fulltext,filtered}"
  py props "$RESULTS" "$WORK/latency-$STAMP.properties"
fi
stop_all

set_ run.loadAfter "$(load)"
cp "$RESULTS" "$HERE/results/$STAMP-$FILES.json"
py report "$RESULTS" "$HERE/results/$STAMP-$FILES.md"
echo; echo "results: $HERE/results/$STAMP-$FILES.md and .json (app logs: $WORK/app-$STAMP-*.log)"
