# shellcheck shell=bash
# Elasticsearch provisioning for ./filestore. Sourced after lib.sh.
#
# Uses the minimal distribution published on Maven Central
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip, no bundled JDK), fetched
# once with `mvn dependency:copy` and unpacked under $ES_BASE/dist. It runs on the newest JDK
# (ES_JAVA_HOME). Elasticsearch refuses to run as root: as root it runs as the system user
# "filestore" (created if missing). Layout of $ES_BASE ($FILESTORE_DATA_DIR/elasticsearch, or
# /var/lib/filestore/elasticsearch when root and that user cannot reach the data dir):
#   dist/elasticsearch-<version>/   the distribution (reused across runs)
#   config/                         ES_PATH_CONF (elasticsearch.yml rewritten on each start)
#   data/  logs/  tmp/              path.data, path.logs (filestore.log, launcher.log), ES_TMPDIR
#   elasticsearch.pid               pid file

# User that runs Elasticsearch.
fs_es_runuser() {
  if fs_is_root; then printf '%s' "$FS_ES_SYSUSER"; else id -un; fi
}

# Base directory of our Elasticsearch (see above). Deterministic, so stop/status find it again.
fs_es_base() {
  if fs_is_root && id -u "$FS_ES_SYSUSER" >/dev/null 2>&1 \
      && ! runuser -u "$FS_ES_SYSUSER" -- test -x "$FS_DATA_DIR" 2>/dev/null; then
    printf '%s' "$FS_ES_FALLBACK_BASE"
  else
    printf '%s' "$FS_DATA_DIR/elasticsearch"
  fi
}

fs_es_health() {
  FS_HTTP_TIMEOUT="${1:-10}" fs_http GET "$FS_ES_URL/_cluster/health" 2>/dev/null
}

fs_es_health_status() {
  local h
  h="$(fs_es_health "$@")" || return 1
  sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$h"
}

# Root only: the unprivileged system user that runs Elasticsearch.
fs_es_ensure_sysuser() {
  fs_is_root || return 0
  if ! id -u "$FS_ES_SYSUSER" >/dev/null 2>&1; then
    fs_say "Creating system user $FS_ES_SYSUSER (Elasticsearch refuses to run as root)"
    local nologin=/usr/sbin/nologin
    [[ -x "$nologin" ]] || nologin=/bin/false
    useradd --system --user-group --home-dir /var/lib/filestore --no-create-home --shell "$nologin" "$FS_ES_SYSUSER" \
      || fs_die "could not create system user $FS_ES_SYSUSER"
  fi
  mkdir -p /var/lib/filestore
  chown "$FS_ES_SYSUSER:" /var/lib/filestore
}

# Unpack a zip: unzip, else python3, else the JDK's jar tool.
fs_unzip() {
  local zip="$1" dest="$2"
  if ! command -v unzip >/dev/null 2>&1 && fs_can_install; then fs_apt_install unzip; fi
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$zip" -d "$dest"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -m zipfile -e "$zip" "$dest"
  else
    fs_find_jdk
    (cd "$dest" && "$FS_JAVA_HOME/bin/jar" xf "$zip")
  fi
}

fs_es_install() {
  local base="$1"
  local home="$base/dist/elasticsearch-$FS_ES_VERSION"
  [[ -x "$home/bin/elasticsearch" && -f "$home/lib/elasticsearch-$FS_ES_VERSION.jar" ]] && return 0

  fs_find_jdk
  fs_ensure_maven
  local dl="$base/download"
  local zip="$dl/elasticsearch-$FS_ES_VERSION.zip"
  mkdir -p "$dl"
  if [[ ! -s "$zip" ]]; then
    fs_say "Fetching Elasticsearch $FS_ES_VERSION from Maven Central ($FS_ES_ARTIFACT, ~107 MB, cached in ~/.m2)"
    (cd "$dl" && JAVA_HOME="$FS_JAVA_HOME" mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="$FS_ES_ARTIFACT" -DoutputDirectory="$dl" -Dmdep.overWriteReleases=true) \
      >"$base/fetch.log" 2>&1 || { fs_tail_log "$base/fetch.log"; fs_die "could not fetch $FS_ES_ARTIFACT with Maven (log: $base/fetch.log)"; }
    [[ -s "$zip" ]] || fs_die "Maven did not produce $zip"
  fi
  fs_say "Unpacking Elasticsearch into $base/dist"
  local tmp="$base/dist/.unpack.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  fs_unzip "$zip" "$tmp" || fs_die "could not unpack $zip"
  [[ -d "$tmp/elasticsearch-$FS_ES_VERSION/bin" ]] || fs_die "unexpected layout in $zip"
  # Unpackers other than unzip lose the executable bits.
  find "$tmp/elasticsearch-$FS_ES_VERSION" -path '*/bin/*' -type f ! -name '*.bat' ! -name '*.exe' -exec chmod 755 {} +
  rm -rf "$home"
  mv "$tmp/elasticsearch-$FS_ES_VERSION" "$home"
  rm -rf "$tmp" "$dl"
}

fs_es_configure() {
  local base="$1"
  local home="$base/dist/elasticsearch-$FS_ES_VERSION"
  local conf="$base/config"
  mkdir -p "$conf/jvm.options.d" "$base/data" "$base/logs" "$base/tmp"
  # Copy the distribution's defaults once (log4j2.properties, jvm.options, ...).
  if [[ ! -f "$conf/jvm.options" ]]; then
    cp -R "$home/config/." "$conf/"
  fi
  cat >"$conf/elasticsearch.yml" <<EOF
# Written by ./filestore on each start: edits here are overwritten.
cluster.name: filestore
node.name: filestore-dev
path.data: $base/data
path.logs: $base/logs
network.host: $FS_ES_HOST
http.port: $FS_ES_PORT
discovery.type: single-node
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: true
EOF
  printf -- '-Xms%s\n-Xmx%s\n' "$FS_ES_HEAP" "$FS_ES_HEAP" >"$conf/jvm.options.d/filestore-heap.options"
}

fs_es_start() {
  local base="$1"
  local home="$base/dist/elasticsearch-$FS_ES_VERSION"
  local pidfile="$base/elasticsearch.pid"
  local launcher_log="$base/logs/launcher.log"
  local user
  user="$(fs_es_runuser)"
  fs_find_jdk
  if fs_is_root; then chown -R "$FS_ES_SYSUSER:" "$base"; fi
  rm -f "$pidfile"
  fs_say "Starting Elasticsearch $FS_ES_VERSION as user $user (JDK $FS_JAVA_MAJOR, heap $FS_ES_HEAP, home $base)"
  local cmd=(env ES_JAVA_HOME="$FS_JAVA_HOME" ES_PATH_CONF="$base/config" ES_TMPDIR="$base/tmp"
             ES_JAVA_OPTS="${FILESTORE_ES_JAVA_OPTS:-}"
             "$home/bin/elasticsearch" -d -p "$pidfile")
  local rc=0
  {
    echo "---- $(date -Is) starting Elasticsearch as $user"
    if fs_is_root; then
      (cd "$base" && runuser -u "$FS_ES_SYSUSER" -- "${cmd[@]}") </dev/null || rc=$?
    else
      (cd "$base" && "${cmd[@]}") </dev/null || rc=$?
    fi
  } >>"$launcher_log" 2>&1
  if (( rc != 0 )); then
    fs_tail_log "$launcher_log"
    fs_tail_log "$base/logs/filestore.log"
    fs_die "Elasticsearch failed to start (exit $rc); logs: $launcher_log, $base/logs/filestore.log"
  fi
  local i pid
  for ((i = 0; i < 180; i++)); do
    if fs_es_health 5 >/dev/null; then break; fi
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    if [[ -n "$pid" ]] && ! fs_pid_alive "$pid"; then
      fs_tail_log "$base/logs/filestore.log"
      fs_die "Elasticsearch exited during startup; logs: $base/logs/filestore.log, $launcher_log"
    fi
    sleep 1
  done
  fs_es_health 5 >/dev/null || { fs_tail_log "$base/logs/filestore.log"; fs_die "Elasticsearch did not answer on $FS_ES_URL within 180 s"; }
}

fs_es_ensure() {
  fs_ensure_curl
  local st
  if st="$(fs_es_health_status 5)"; then
    fs_say "Elasticsearch: already answering on $FS_ES_URL (status $st), reusing it"
    return 0
  fi
  if fs_port_open "$FS_ES_HOST" "$FS_ES_PORT"; then
    # Maybe ours, still starting: wait a little before giving up.
    local i
    for ((i = 0; i < 60; i++)); do fs_es_health 5 >/dev/null && break; sleep 1; done
    fs_es_health 5 >/dev/null || fs_die "something listens on $FS_ES_HOST:$FS_ES_PORT but /_cluster/health does not answer: stop it or free the port"
    fs_say "Elasticsearch: answering on $FS_ES_URL, reusing it"
    return 0
  fi
  if ! fs_is_local_host "$FS_ES_HOST" || [[ "$FS_ES_URL" == https:* ]]; then
    fs_die "Elasticsearch does not answer on $FS_ES_URL (from FILESTORE_ES_URL); ./filestore starts one only on this machine, over http"
  fi
  fs_es_ensure_sysuser
  local base
  base="$(fs_es_base)"
  if [[ "$base" == "$FS_ES_FALLBACK_BASE" ]]; then
    fs_say "Elasticsearch: user $FS_ES_SYSUSER cannot reach $FS_DATA_DIR, so Elasticsearch lives in $base instead of $FS_DATA_DIR/elasticsearch"
  fi
  mkdir -p "$base"
  fs_es_install "$base"
  fs_es_configure "$base"
  fs_es_start "$base"
  # Wait for yellow (green for 0-replica indices) so that callers can create indices right away.
  FS_HTTP_TIMEOUT=70 fs_http GET "$FS_ES_URL/_cluster/health?wait_for_status=yellow&timeout=60s" >/dev/null \
    || fs_warn "Elasticsearch answers but the cluster is not yellow yet"
  fs_info "Elasticsearch ready: $FS_ES_URL (pid $(cat "$base/elasticsearch.pid" 2>/dev/null || echo '?'), log $base/logs/filestore.log)"
}

# Delete the indices named <prefix>-* one by one (wildcard deletes are refused).
fs_es_delete_test_indices() {
  local prefix="$FS_TEST_INDEX_PREFIX" list idx n=0
  list="$(fs_http GET "$FS_ES_URL/_cat/indices/$prefix-*?h=index&expand_wildcards=all")" \
    || fs_die "could not list Elasticsearch indices $prefix-* on $FS_ES_URL"
  for idx in $list; do
    [[ "$idx" == "$prefix"-* ]] || continue
    fs_http DELETE "$FS_ES_URL/$idx" >/dev/null || fs_die "could not delete Elasticsearch index $idx"
    n=$((n + 1))
  done
  fs_say "Deleted $n Elasticsearch index(es) named $prefix-*"
}

fs_es_stop() {
  local base pid
  base="$(fs_es_base)"
  if pid="$(fs_pidfile_pid "$base/elasticsearch.pid")"; then
    fs_say "Stopping Elasticsearch (pid $pid, $base)"
    fs_kill_wait "$pid" Elasticsearch 60
    rm -f "$base/elasticsearch.pid"
  elif fs_es_health 3 >/dev/null; then
    fs_info "Elasticsearch on $FS_ES_URL was not started from $FS_DATA_DIR: left running"
  else
    fs_info "Elasticsearch: not running"
  fi
}

fs_es_status() {
  local base pid st
  base="$(fs_es_base)"
  if st="$(fs_es_health_status 5)"; then
    if pid="$(fs_pidfile_pid "$base/elasticsearch.pid")"; then
      echo "Elasticsearch: up   $FS_ES_URL  status $st, pid $pid, home $base, log $base/logs/filestore.log"
    else
      echo "Elasticsearch: up   $FS_ES_URL  status $st (not started from this data dir)"
    fi
    return 0
  fi
  echo "Elasticsearch: down ($FS_ES_URL)"
  return 1
}
