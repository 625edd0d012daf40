#!/usr/bin/env bash
# Scale-out benchmark: one instance against two, behind the same HAProxy, on the same PostgreSQL, Elasticsearch and
# data directory, in one run, interleaved. Run on purpose, never by the tests:
#
#   bench/cluster/run.sh
#
# Starts two instances with scripts/cluster.sh (HAProxy "two" in front of both) and a second HAProxy ("one") in
# front of the first instance only, uploads a few files, then for each scenario and repetition measures through
# "one" and through "two" (wrk), reporting requests/s, p99, the ratio two/one and how the requests and CPU split
# over the instances. Results: bench/cluster/results/<date>.md and .json.
#
# Environment (defaults): BENCH_DB=filestore_bench_cluster BENCH_PREFIX=filestore-bench-cluster BENCH_PORT=18280
#   (HAProxy two; one = +10; instances +1, +2) DURATION=10 REPS=2 BENCH_HEAP=512m
#   PGHOST=127.0.0.1 PGUSER=filestore PGPASSWORD=filestore ES_URL=http://127.0.0.1:9200
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"
FS_REPO="$REPO"
# shellcheck source=../../scripts/lib.sh
source "$REPO/scripts/lib.sh"
# shellcheck source=../../scripts/cluster.sh
source "$REPO/scripts/cluster.sh"
FS_LOG_DIR="$HERE/work"
export DEBIAN_FRONTEND=noninteractive

DB="${BENCH_DB:-filestore_bench_cluster}"
PREFIX="${BENCH_PREFIX:-filestore-bench-cluster}"
PORT="${BENCH_PORT:-18280}"
ES="${ES_URL:-http://127.0.0.1:9200}"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-filestore}" PGPASSWORD="${PGPASSWORD:-filestore}"
WORK="$HERE/work"
mkdir -p "$WORK" "$HERE/results"

command -v wrk >/dev/null 2>&1 || fs_apt_install wrk
command -v psql >/dev/null 2>&1 || fs_apt_install postgresql-client
fs_haproxy_ensure || exit 1
fs_find_jdk
JAR="$REPO/api/target/filestore.jar"
if [[ ! -f "$JAR" ]]; then
  fs_ensure_maven
  (cd "$REPO" && JAVA_HOME="$FS_JAVA_HOME" mvn -B -q -ntp package -DskipTests -pl api -am)
fi
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
for index in $(curl -s "$ES/_cat/indices/$PREFIX-*?h=index&expand_wildcards=all"); do
  curl -s -XDELETE "$ES/$index" >/dev/null
done
fs_cluster_stop "$WORK/cluster"
rm -rf "$WORK/data" "$WORK/cluster"
mkdir -p "$WORK/cluster"

cleanup() {
  local pid
  if pid="$(fs_pidfile_pid "$WORK/one/haproxy.pid")"; then kill "$pid" 2>/dev/null || true; fi
  fs_cluster_stop "$WORK/cluster" || true
}
trap cleanup EXIT

export FILESTORE_DATA_DIR="$WORK/data" FILESTORE_DB_URL="jdbc:postgresql://$PGHOST:5432/$DB" \
  FILESTORE_DB_USER="$PGUSER" FILESTORE_DB_PASSWORD="$PGPASSWORD" FILESTORE_ELASTICSEARCH_URL="$ES" \
  FILESTORE_ELASTICSEARCH_INDEX_PREFIX="$PREFIX" FILESTORE_SECURITY_TRUSTED_HEADER=X-User-Id \
  FILESTORE_SECURITY_ADMIN_USER=bench-admin FILESTORE_SECURITY_ADMIN_PASSWORD=bench-admin-password-7q \
  FILESTORE_BLOB_STORE_SCRUB_ENABLED=false FILESTORE_DB_POOL_SIZE=20 FILESTORE_JAR="$JAR" FILESTORE_JAVA="$FS_JAVA" \
  JAVA_OPTS="-Xmx${BENCH_HEAP:-512m}"
fs_cluster_start 2 "$WORK/cluster" "$PORT" "$((PORT + 1))"

# HAProxy "one": the same configuration with the first instance only
mkdir -p "$WORK/one"
awk '!/^    server node2 /' "$WORK/cluster/haproxy.cfg" | sed "s/^    bind .*/    bind 127.0.0.1:$((PORT + 10))/" \
  >"$WORK/one/haproxy.cfg"
"$(fs_haproxy_bin)" -D -f "$WORK/one/haproxy.cfg" -p "$WORK/one/haproxy.pid"

exec python3 "$HERE/bench.py" --two "http://127.0.0.1:$PORT" --one "http://127.0.0.1:$((PORT + 10))" \
  --nodes "http://127.0.0.1:$((PORT + 1)),http://127.0.0.1:$((PORT + 2))" --pids "$WORK/cluster" \
  --duration "${DURATION:-10}" --reps "${REPS:-2}" --out "$HERE/results"
