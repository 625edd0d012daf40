# shellcheck shell=bash
# Building and running the application for ./filestore. Sourced after lib.sh.

fs_app_pidfile() { printf '%s' "$FS_RUN_DIR/app.pid"; }

# Pid of the application started by ./filestore start from this data dir, if it runs.
fs_app_pid() {
  local pid
  pid="$(fs_pidfile_pid "$(fs_app_pidfile)")" || return 1
  # Guard against a recycled pid: the process must be our jar.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$FS_JAR" || return 1
  printf '%s' "$pid"
}

# True if the jar is missing or older than a pom.xml or anything under a module's src/.
fs_app_needs_build() {
  [[ -f "$FS_JAR" ]] || return 0
  local newer
  newer="$(find "$FS_REPO/pom.xml" "$FS_REPO"/*/pom.xml "$FS_REPO"/*/src -newer "$FS_JAR" -print -quit 2>/dev/null || true)"
  [[ -n "$newer" ]]
}

fs_app_build() {
  fs_find_jdk
  fs_ensure_maven
  if fs_app_needs_build; then
    fs_node_ensure
    fs_say "Building $FS_JAR (mvn -B -q -DskipTests package, JDK $FS_JAVA_MAJOR)"
    (cd "$FS_REPO" && JAVA_HOME="$FS_JAVA_HOME" PATH="$FS_JAVA_HOME/bin:$PATH" mvn -B -q -DskipTests package) \
      || fs_die "the build failed (see the Maven output above)"
    [[ -f "$FS_JAR" ]] || fs_die "the build did not produce $FS_JAR"
    touch "$FS_JAR"   # Maven may keep an unchanged jar's old timestamp
  else
    fs_info "jar up to date: $FS_JAR"
  fi
}

fs_app_env() {
  export FILESTORE_DATA_DIR="$FS_DATA_DIR"
  export FILESTORE_DB_URL="$FS_DB_URL"
  export FILESTORE_DB_USER="$FS_DB_USER"
  export FILESTORE_DB_PASSWORD="$FS_DB_PASSWORD"
  export FILESTORE_ES_URL="$FS_ES_URL"
  export SERVER_PORT="$FS_PORT"
}

fs_app_banner() {
  local mode="$1"
  cat <<EOF

filestore
  data dir:       $FS_DATA_DIR
  URL:            http://localhost:$FS_PORT/
  health:         http://localhost:$FS_PORT/actuator/health
  PostgreSQL:     $FS_DB_URL (user $FS_DB_USER)
  Elasticsearch:  $FS_ES_URL
  Java:           $FS_JAVA (JDK $FS_JAVA_MAJOR)${JAVA_OPTS:+  JAVA_OPTS=$JAVA_OPTS}
  logs:           app: $mode
                  Elasticsearch: $(fs_es_log_hint)
                  PostgreSQL: $(fs_pg_log_hint)
  stop:           ./filestore stop   (status: ./filestore status)

EOF
}

fs_es_log_hint() {
  local base pid
  base="$(fs_es_base)"
  if pid="$(fs_pidfile_pid "$base/elasticsearch.pid")"; then printf '%s' "$base/logs/filestore.log"; else printf 'not managed here (reused %s)' "$FS_ES_URL"; fi
}

fs_pg_log_hint() {
  if fs_pg_private_pid >/dev/null; then printf '%s' "$FS_LOG_DIR/postgres.log"
  elif [[ -d /var/log/postgresql ]]; then printf '%s' "/var/log/postgresql/ (system server)"
  else printf 'system/external server'
  fi
}

# fs_app_run BACKGROUND(0|1) ARGS...: run the jar (exec in the foreground, or nohup in the background).
fs_app_run() {
  local background="$1"; shift
  local pid
  if pid="$(fs_app_pid)"; then
    fs_say "filestore is already running (pid $pid) on http://localhost:$FS_PORT/ — ./filestore stop to stop it"
    exit 0
  fi
  if fs_port_open 127.0.0.1 "$FS_PORT"; then
    fs_die "port $FS_PORT is already in use by another program: free it or set FILESTORE_PORT"
  fi
  fs_app_env
  local opts=()
  read -r -a opts <<<"${JAVA_OPTS:-}" || true
  mkdir -p "$FS_RUN_DIR" "$FS_LOG_DIR"
  if [[ "$background" == 1 ]]; then
    local log="$FS_LOG_DIR/app.log"
    fs_app_banner "$log"
    nohup "$FS_JAVA" "${opts[@]}" -jar "$FS_JAR" "$@" >>"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$(fs_app_pidfile)"
    fs_say "Started filestore in the background (pid $pid), waiting for http://localhost:$FS_PORT/actuator/health"
    local i
    for ((i = 0; i < 240; i++)); do
      fs_pid_alive "$pid" || { fs_tail_log "$log"; fs_die "filestore exited during startup (log: $log)"; }
      if FS_HTTP_TIMEOUT=3 fs_http GET "http://127.0.0.1:$FS_PORT/actuator/health" >/dev/null; then
        fs_say "filestore is up on http://localhost:$FS_PORT/"
        return 0
      fi
      sleep 1
    done
    fs_warn "filestore (pid $pid) did not report healthy within 240 s; see $log"
    return 1
  fi
  fs_app_banner "this terminal (stdout)"
  echo "$$" >"$(fs_app_pidfile)"
  exec "$FS_JAVA" "${opts[@]}" -jar "$FS_JAR" "$@"
}

fs_app_stop() {
  local pid
  if pid="$(fs_app_pid)"; then
    fs_say "Stopping filestore (pid $pid)"
    fs_kill_wait "$pid" filestore 60
  else
    fs_info "filestore app: not running"
  fi
  rm -f "$(fs_app_pidfile)"
}

fs_app_status() {
  local pid
  if pid="$(fs_app_pid)"; then
    local h
    if h="$(FS_HTTP_TIMEOUT=5 fs_http GET "http://127.0.0.1:$FS_PORT/actuator/health")"; then
      echo "filestore app: up   http://localhost:$FS_PORT/  pid $pid, health $h"
    else
      echo "filestore app: starting or unhealthy  pid $pid, port $FS_PORT"
    fi
    return 0
  fi
  if fs_port_open 127.0.0.1 "$FS_PORT"; then
    echo "filestore app: down (port $FS_PORT is used by another process)"
  else
    echo "filestore app: down"
  fi
  return 1
}
