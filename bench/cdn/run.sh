#!/usr/bin/env bash
# CDN benchmark: downloads through the edge (Varnish with deploy/varnish/filestore.vcl, every request a cache hit)
# against the same downloads straight from the service, in one run, with wrk. Run on purpose, never by the tests:
#
#   bench/cdn/run.sh
#
# What it does: installs varnish and wrk from Debian's packages if missing (scripts/varnish.sh, root or sudo),
# recreates the database BENCH_DB, starts the packaged application (api/target/filestore.jar, built if missing) on
# BENCH_PORT with filestore.cdn.base-url pointing at Varnish on BENCH_EDGE_PORT, uploads one file per size, and
# measures for each size, DURATION seconds each, CONNECTIONS connections on THREADS threads:
#   direct   GET /api/files/<id>/download (authenticated by the trusted header, as a logged-in client)
#   origin   GET of the delivery URL on the service itself (no edge: the signature check costs)
#   edge     GET of the delivery URL through Varnish (all hits, warmed first)
# (after a WARMUP-second unmeasured run of both service paths) and prints requests/s, MB/s and the ratio of each to direct. Results: bench/cdn/results/<date>.md.
#
# Environment (defaults): BENCH_DB=filestore_bench_cdn BENCH_PREFIX=filestore-bench-cdn BENCH_PORT=18190
#   BENCH_EDGE_PORT=18191 DURATION=10 WARMUP=5 CONNECTIONS=16 THREADS=2 SIZES="16384 1048576" BENCH_HEAP=512m
#   PGHOST=127.0.0.1 PGUSER=filestore PGPASSWORD=filestore ES_URL=http://127.0.0.1:9200
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"
FS_REPO="$REPO"
# shellcheck source=../../scripts/lib.sh
source "$REPO/scripts/lib.sh"
# shellcheck source=../../scripts/varnish.sh
source "$REPO/scripts/varnish.sh"
FS_LOG_DIR="$HERE/work"
export DEBIAN_FRONTEND=noninteractive

DB="${BENCH_DB:-filestore_bench_cdn}"
PREFIX="${BENCH_PREFIX:-filestore-bench-cdn}"
PORT="${BENCH_PORT:-18190}"
EDGE_PORT="${BENCH_EDGE_PORT:-18191}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
SIZES="${SIZES:-16384 1048576}"
HEAP="${BENCH_HEAP:-512m}"
ES="${ES_URL:-http://127.0.0.1:9200}"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-filestore}" PGPASSWORD="${PGPASSWORD:-filestore}"
WORK="$HERE/work"
APP="http://127.0.0.1:$PORT"
EDGE="http://127.0.0.1:$EDGE_PORT"
USER_ID="bench-cdn-user"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$WORK" "$HERE/results"

command -v wrk >/dev/null 2>&1 || fs_apt_install wrk
command -v jq >/dev/null 2>&1 || fs_apt_install jq
command -v psql >/dev/null 2>&1 || fs_apt_install postgresql-client
fs_varnish_ensure || exit 1
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
rm -rf "$WORK/data"

APP_PID=""
cleanup() {
  fs_varnish_stop "$WORK/varnish" || true
  if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

SERVER_PORT="$PORT" FILESTORE_DATA_DIR="$WORK/data" FILESTORE_DB_URL="jdbc:postgresql://$PGHOST:5432/$DB" \
FILESTORE_DB_USER="$PGUSER" FILESTORE_DB_PASSWORD="$PGPASSWORD" FILESTORE_ELASTICSEARCH_URL="$ES" \
FILESTORE_ELASTICSEARCH_INDEX_PREFIX="$PREFIX" FILESTORE_SECURITY_TRUSTED_HEADER=X-User-Id \
FILESTORE_CDN_BASE_URL="$EDGE" FILESTORE_CDN_PURGE_URL="$EDGE/" FILESTORE_BLOB_STORE_SCRUB_ENABLED=false \
  "$FS_JAVA" "-Xmx$HEAP" -jar "$JAR" >"$WORK/app.log" 2>&1 &
APP_PID=$!
for ((i = 0; i < 600; i++)); do
  curl -sf "$APP/health" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$WORK/app.log"; fs_die "the application exited"; }
  sleep 0.5
done
curl -sf "$APP/health" >/dev/null || { tail -40 "$WORK/app.log"; fs_die "the application did not become healthy"; }
fs_varnish_start "$EDGE_PORT" "$PORT" "$WORK/varnish"

measure() { # URL -> "requests/s MB/s" (wrk's totals)
  local out
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -H "X-User-Id: $USER_ID" "$1")"
  awk '/^Requests\/sec:/ {r=$2} /^Transfer\/sec:/ {t=$2; u=t; sub(/[0-9.]+/, "", u); sub(/[A-Za-z]+/, "", t);
       if (u=="KB") t/=1024; else if (u=="GB") t*=1024; else if (u=="B") t/=1048576}
       /Non-2xx/ {bad=$NF} END {printf "%.0f %.1f %s\n", r, t, (bad==""?0:bad)}' <<<"$out"
}

REPORT="$HERE/results/$STAMP.md"
{
  echo "# CDN benchmark $STAMP"
  echo
  echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s per row; $(nproc) CPUs; varnishd $("$FILESTORE_TEST_VARNISHD" -V 2>&1 | head -1 | sed 's/varnishd (\(varnish-[^ ]*\).*/\1/')"
  echo
  echo "| size | path | requests/s | MB/s | non-2xx | ratio to direct |"
  echo "|---:|---|---:|---:|---:|---:|"
} >"$REPORT"
for size in $SIZES; do
  head -c "$size" /dev/urandom >"$WORK/payload"
  id="$(curl -sf -H "X-User-Id: $USER_ID" -F "file=@$WORK/payload;filename=bench-$size.bin" "$APP/api/files/upload" | jq -r .data.fileId)"
  url="$(curl -sf -H "X-User-Id: $USER_ID" -H 'Content-Type: application/json' -d '{"expiresInSeconds":86400}' \
    "$APP/api/files/$id/delivery-url" | jq -r .data.url)"
  origin="$APP${url#"$EDGE"}"
  curl -sf -o /dev/null "$url"  # warm the edge
  [[ "$(curl -sf -o /dev/null -D - "$url" | tr -d '\r' | sed -n 's/^X-Cache: //p')" == HIT ]] || fs_die "the edge does not hit"
  for warm in "$APP/api/files/$id/download" "$origin"; do  # JIT warm-up of both service paths, not measured
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP:-5}s" -H "X-User-Id: $USER_ID" "$warm" >/dev/null
  done
  read -r direct_rps direct_mbs direct_bad <<<"$(measure "$APP/api/files/$id/download")"
  read -r origin_rps origin_mbs origin_bad <<<"$(measure "$origin")"
  read -r edge_rps edge_mbs edge_bad <<<"$(measure "$url")"
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
  {
    echo "| $size | direct (/api/files/{id}/download) | $direct_rps | $direct_mbs | $direct_bad | 1.00 |"
    echo "| $size | origin (delivery URL, no edge) | $origin_rps | $origin_mbs | $origin_bad | $(ratio "$origin_rps" "$direct_rps") |"
    echo "| $size | edge (Varnish hits) | $edge_rps | $edge_mbs | $edge_bad | $(ratio "$edge_rps" "$direct_rps") |"
  } >>"$REPORT"
done
cat "$REPORT"
