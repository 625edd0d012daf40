# shellcheck shell=bash
# Several filestore instances on one PostgreSQL, one Elasticsearch and one data directory, behind HAProxy (Debian
# package `haproxy`). Used by `./filestore cluster ...` and by the end-to-end test ClusterIT; can be run directly:
#
#   scripts/cluster.sh start N DIR LB_PORT FIRST_PORT
#        start instances node1..nodeN on 127.0.0.1:FIRST_PORT.. (FIRST_PORT+N-1) and HAProxy on LB_PORT in front of
#        them; pids, logs and the HAProxy config in DIR (node-K.pid, node-K.log, haproxy.cfg, haproxy.pid); waits
#        until every instance is healthy. Each instance gets the caller's environment (FILESTORE_DATA_DIR,
#        FILESTORE_DB_URL, ...: the same for all) plus SERVER_PORT and FILESTORE_INSTANCE_ID=nodeK.
#   scripts/cluster.sh start-node K DIR FIRST_PORT      (re)start instance K alone (after a stop or a crash)
#   scripts/cluster.sh stop DIR                         stop HAProxy and every instance (SIGTERM, graceful)
#   scripts/cluster.sh status DIR                       one line per instance and for HAProxy
#
# The jar is FILESTORE_JAR (default api/target/filestore.jar), the JVM FILESTORE_JAVA (default: the newest JDK),
# extra JVM options JAVA_OPTS. HAProxy binds FILESTORE_CLUSTER_BIND (default 127.0.0.1) on LB_PORT.

fs_haproxy_bin() { fs_tool_bin haproxy "${FILESTORE_HAPROXY:-}"; }

# Installs HAProxy when missing and exports FILESTORE_TEST_HAPROXY (only ClusterIT and ./filestore cluster need it).
fs_haproxy_ensure() { fs_tool_ensure haproxy haproxy FILESTORE_TEST_HAPROXY "ClusterIT and ./filestore cluster" "${FILESTORE_HAPROXY:-}"; }

fs_cluster_java() {
  if [[ -n "${FILESTORE_JAVA:-}" ]]; then printf '%s' "$FILESTORE_JAVA"; return 0; fi
  fs_find_jdk
  printf '%s' "$FS_JAVA"
}

# fs_cluster_node_start K DIR FIRST_PORT: starts instance K in the background (does not wait).
fs_cluster_node_start() {
  local k="$1" dir="$2" first="$3" jar java port pid opts=()
  [[ "$k" =~ ^[0-9]+$ && "$first" =~ ^[0-9]+$ ]] || fs_die "cluster: instance number and port must be numbers"
  jar="${FILESTORE_JAR:-$FS_REPO/api/target/filestore.jar}"
  [[ -f "$jar" ]] || fs_die "cluster: $jar is missing (build it: mvn -DskipTests package)"
  java="$(fs_cluster_java)"
  port=$((first + k - 1))
  if pid="$(fs_pidfile_pid "$dir/node-$k.pid")"; then
    fs_die "cluster: instance $k already runs (pid $pid)"
  fi
  if fs_port_open 127.0.0.1 "$port"; then
    fs_die "cluster: port $port is already in use"
  fi
  read -r -a opts <<<"${JAVA_OPTS:-}" || true
  SERVER_PORT="$port" FILESTORE_INSTANCE_ID="node$k" \
    nohup "$java" "${opts[@]}" -jar "$jar" >>"$dir/node-$k.log" 2>&1 </dev/null &
  echo $! >"$dir/node-$k.pid"
}

# fs_cluster_wait_healthy K DIR FIRST_PORT
fs_cluster_wait_healthy() {
  local k="$1" dir="$2" first="$3" pid i port
  port=$((first + k - 1))
  pid="$(fs_pidfile_pid "$dir/node-$k.pid")" || fs_die "cluster: instance $k is not running"
  for ((i = 0; i < 300; i++)); do
    fs_pid_alive "$pid" || { fs_tail_log "$dir/node-$k.log"; fs_die "cluster: instance $k exited during startup"; }
    if FS_HTTP_TIMEOUT=3 fs_http GET "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      fs_info "instance node$k is up on 127.0.0.1:$port (pid $pid)"
      return 0
    fi
    sleep 1
  done
  fs_tail_log "$dir/node-$k.log"
  fs_die "cluster: instance $k did not become healthy in 300 s"
}

# fs_cluster_start N DIR LB_PORT FIRST_PORT
fs_cluster_start() {
  local n="$1" dir="$2" lb="$3" first="$4" k bin servers=""
  [[ "$n" =~ ^[1-9][0-9]*$ && "$n" -le 64 ]] || fs_die "cluster: the number of instances must be 1..64"
  [[ "$lb" =~ ^[0-9]+$ && "$first" =~ ^[0-9]+$ ]] || fs_die "cluster: ports must be numbers"
  bin="$(fs_haproxy_bin)" || fs_die "haproxy is missing (scripts/cluster.sh needs it: apt-get install haproxy)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd -P)"
  fs_cluster_stop "$dir"
  for ((k = 1; k <= n; k++)); do
    fs_cluster_node_start "$k" "$dir" "$first"
    # the first instance creates the schema (Flyway) and the search index alone; the others start after it
    if [[ "$k" == 1 ]]; then fs_cluster_wait_healthy 1 "$dir" "$first"; fi
  done
  for ((k = 2; k <= n; k++)); do
    fs_cluster_wait_healthy "$k" "$dir" "$first"
  done
  for ((k = 1; k <= n; k++)); do
    servers+="    server node$k 127.0.0.1:$((first + k - 1)) check"$'\n'
  done
  local bind="${FILESTORE_CLUSTER_BIND:-127.0.0.1}:$lb"
  awk -v bind="$bind" -v servers="$servers" \
    '{ if ($0 == "@SERVERS@") { printf "%s", servers } else { gsub("@BIND@", bind); print } }' \
    "$FS_REPO/deploy/haproxy/filestore.cfg" >"$dir/haproxy.cfg"
  "$bin" -c -q -f "$dir/haproxy.cfg" || fs_die "cluster: the generated $dir/haproxy.cfg is invalid"
  "$bin" -D -f "$dir/haproxy.cfg" -p "$dir/haproxy.pid" >"$dir/haproxy.log" 2>&1 </dev/null \
    || { fs_tail_log "$dir/haproxy.log"; fs_die "haproxy did not start"; }
  local i
  for ((i = 0; i < 100; i++)); do
    if FS_HTTP_TIMEOUT=3 fs_http GET "http://127.0.0.1:$lb/health" >/dev/null 2>&1; then
      fs_say "$n instances behind HAProxy on http://${bind}/ (state in $dir)"
      return 0
    fi
    sleep 0.2
  done
  fs_tail_log "$dir/haproxy.log"
  fs_die "haproxy does not answer on $bind"
}

# fs_cluster_stop DIR
fs_cluster_stop() {
  local dir="$1" pid f
  [[ -d "$dir" ]] || return 0
  if pid="$(fs_pidfile_pid "$dir/haproxy.pid")"; then
    fs_kill_wait "$pid" haproxy 20
  fi
  rm -f "$dir/haproxy.pid"
  for f in "$dir"/node-*.pid; do
    [[ -e "$f" ]] || continue
    if pid="$(fs_pidfile_pid "$f")"; then
      fs_kill_wait "$pid" "filestore instance $(basename "$f" .pid)" 60
    fi
    rm -f "$f"
  done
}

# fs_cluster_status DIR: exit 0 when HAProxy and at least one instance run
fs_cluster_status() {
  local dir="$1" pid f any=1
  for f in "$dir"/node-*.pid; do
    [[ -e "$f" ]] || continue
    if pid="$(fs_pidfile_pid "$f")"; then
      echo "$(basename "$f" .pid): running (pid $pid)"; any=0
    else
      echo "$(basename "$f" .pid): down"
    fi
  done
  if pid="$(fs_pidfile_pid "$dir/haproxy.pid")"; then echo "haproxy: running (pid $pid)"; else echo "haproxy: down"; any=1; fi
  return $any
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  FS_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
  # shellcheck source=scripts/lib.sh
  source "$FS_REPO/scripts/lib.sh"
  FS_LOG_DIR="${TMPDIR:-/tmp}"
  export DEBIAN_FRONTEND=noninteractive
  case "${1:-}" in
    ensure) fs_haproxy_ensure && printf '%s\n' "$FILESTORE_TEST_HAPROXY" ;;
    start) [[ $# -eq 5 ]] || fs_die "usage: scripts/cluster.sh start N DIR LB_PORT FIRST_PORT"
      mkdir -p "$3"; fs_cluster_start "$2" "$3" "$4" "$5" ;;
    start-node) [[ $# -eq 4 ]] || fs_die "usage: scripts/cluster.sh start-node K DIR FIRST_PORT"
      fs_cluster_node_start "$2" "$3" "$4"; fs_cluster_wait_healthy "$2" "$3" "$4" ;;
    stop) [[ $# -eq 2 ]] || fs_die "usage: scripts/cluster.sh stop DIR"; fs_cluster_stop "$2" ;;
    status) [[ $# -eq 2 ]] || fs_die "usage: scripts/cluster.sh status DIR"; fs_cluster_status "$2" ;;
    *) sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
fi
