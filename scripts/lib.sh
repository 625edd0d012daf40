# shellcheck shell=bash
# Common helpers for ./filestore. Sourced, not executed. Expects FS_REPO to be set
# (absolute path of the repository root) and `set -euo pipefail` in the caller.

# ---------------------------------------------------------------------------
# Configuration (the contract documented in the README; keep it stable)
# ---------------------------------------------------------------------------
# The version of a service from the repository's .env (shared with docker-compose.yml and the tests).
fs_service_version() {
  local v
  v="$(sed -n "s/^$1=\([^[:space:]#]*\).*/\1/p" "$FS_REPO/.env" 2>/dev/null | tail -n1)"
  [[ -n "$v" ]] || fs_die "no $1 in $FS_REPO/.env"
  printf '%s' "$v"
}

# shellcheck disable=SC2034  # used by the other scripts
fs_init_config() {
  local dd="${FILESTORE_DATA_DIR:-$FS_REPO/data}"
  mkdir -p "$dd" || fs_die "cannot create the data directory $dd (set FILESTORE_DATA_DIR to a writable place)"
  FS_DATA_DIR="$(cd "$dd" && pwd -P)"
  FS_LOG_DIR="$FS_DATA_DIR/logs"
  FS_RUN_DIR="$FS_DATA_DIR/run"

  # FILESTORE_DB_URL / FILESTORE_ES_URL, when set, are passed to the service unchanged; the host, port and
  # database name that ./filestore checks (and creates, or starts a server for, when local) come from them.
  FS_PG_HOST=127.0.0.1
  FS_PG_PORT=5432
  FS_DB_USER="${FILESTORE_DB_USER:-filestore}"
  FS_DB_PASSWORD="${FILESTORE_DB_PASSWORD:-filestore}"
  FS_DB_NAME=filestore
  FS_TEST_DB_NAME=filestore_test
  if [[ -n "${FILESTORE_DB_URL:-}" ]]; then
    FS_DB_URL="$FILESTORE_DB_URL"
    fs_parse_db_url "$FS_DB_URL" || fs_die "FILESTORE_DB_URL=$FS_DB_URL is not of the form jdbc:postgresql://HOST[:PORT]/DATABASE[?PARAMS]"
  else
    FS_DB_URL="jdbc:postgresql://$FS_PG_HOST:$FS_PG_PORT/$FS_DB_NAME"
  fi
  FS_TEST_DB_URL="jdbc:postgresql://$FS_PG_HOST:$FS_PG_PORT/$FS_TEST_DB_NAME"

  FS_PG_VERSION="$(fs_service_version POSTGRES_VERSION)"
  FS_ES_VERSION="$(fs_service_version ELASTICSEARCH_VERSION)"
  FS_ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$FS_ES_VERSION:zip"
  FS_ES_HOST=127.0.0.1
  FS_ES_PORT=9200
  if [[ -n "${FILESTORE_ES_URL:-}" ]]; then
    FS_ES_URL="${FILESTORE_ES_URL%/}"
    fs_parse_es_url "$FS_ES_URL" || fs_die "FILESTORE_ES_URL=$FILESTORE_ES_URL is not of the form http(s)://HOST[:PORT]"
  else
    FS_ES_URL="http://$FS_ES_HOST:$FS_ES_PORT"
  fi
  FS_ES_HEAP=512m
  FS_ES_SYSUSER=filestore              # unprivileged user that runs Elasticsearch when we are root
  FS_ES_FALLBACK_BASE=/var/lib/filestore/elasticsearch
  FS_TEST_INDEX_PREFIX=filestore-test

  FS_PORT="${FILESTORE_PORT:-${SERVER_PORT:-8080}}"
  FS_JAR="$FS_REPO/api/target/filestore.jar"

  export DEBIAN_FRONTEND=noninteractive
}

# fs_parse_db_url URL: sets FS_PG_HOST, FS_PG_PORT (default 5432) and FS_DB_NAME from a
# jdbc:postgresql://HOST[:PORT]/DATABASE[?PARAMS] URL; fails on anything else (several hosts, no database).
fs_parse_db_url() {
  local re='^jdbc:postgresql://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:([0-9]+))?/([A-Za-z0-9_$-]+)(\?.*)?$'
  [[ "$1" =~ $re ]] || return 1
  FS_PG_HOST="${BASH_REMATCH[1]}"
  FS_PG_PORT="${BASH_REMATCH[3]:-5432}"
  FS_DB_NAME="${BASH_REMATCH[4]}"
}

# fs_parse_es_url URL: sets FS_ES_HOST and FS_ES_PORT (default 9200, as the Elasticsearch clients assume)
# from an http(s)://HOST[:PORT][/] URL.
fs_parse_es_url() {
  local re='^https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:([0-9]+))?/?$'
  [[ "$1" =~ $re ]] || return 1
  FS_ES_HOST="${BASH_REMATCH[1]}"
  FS_ES_PORT="${BASH_REMATCH[3]:-9200}"
}

# True if $1 names this machine (./filestore may start a server for it).
fs_is_local_host() {
  case "$1" in 127.*|localhost|'[::1]'|::1) return 0 ;; *) return 1 ;; esac
}

# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------
fs_say()  { printf '==> %s\n' "$*"; }
fs_info() { printf '    %s\n' "$*"; }
fs_warn() { printf 'filestore: warning: %s\n' "$*" >&2; }
fs_die()  { printf 'filestore: error: %s\n' "$*" >&2; exit 1; }

# Print the last lines of a log file to stderr (used when something fails to start).
fs_tail_log() {
  local f="$1" n="${2:-40}"
  if [[ -r "$f" ]]; then
    printf -- '---- last %s lines of %s ----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2 || true
    printf -- '----\n' >&2
  fi
}

# ---------------------------------------------------------------------------
# Privileges and packages
# ---------------------------------------------------------------------------
fs_is_root() { [[ "$(id -u)" -eq 0 ]]; }

FS_SUDO_OK=""
fs_can_sudo() {
  fs_is_root && return 1
  if [[ -z "$FS_SUDO_OK" ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1 </dev/null; then FS_SUDO_OK=yes; else FS_SUDO_OK=no; fi
  fi
  [[ "$FS_SUDO_OK" == yes ]]
}

# Run a command as root: directly when root, through passwordless sudo otherwise.
fs_as_root() {
  if fs_is_root; then "$@"
  elif fs_can_sudo; then sudo -n "$@" </dev/null
  else return 1
  fi
}

fs_can_install() { fs_is_root || fs_can_sudo; }

FS_APT_UPDATED=""
# apt-get install the given Debian packages (root or passwordless sudo only). Output goes to
# $FS_LOG_DIR/apt.log (shown on failure).
fs_apt_install() {
  command -v apt-get >/dev/null 2>&1 || fs_die "need the package(s) '$*' and there is no apt-get here: install them by hand"
  fs_can_install || fs_die "need the Debian package(s) '$*': run 'sudo apt-get install -y $*' (or run ./filestore as root)"
  local log="${FS_LOG_DIR:-/tmp}/apt.log"
  mkdir -p "$(dirname "$log")"
  fs_say "Installing Debian package(s): $* (log: $log)"
  if [[ -z "$FS_APT_UPDATED" ]]; then
    fs_as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q </dev/null >>"$log" 2>&1 \
      || { fs_tail_log "$log"; fs_die "apt-get update failed"; }
    FS_APT_UPDATED=1
  fi
  fs_as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q \
    --no-install-recommends "$@" </dev/null >>"$log" 2>&1 \
    || { fs_tail_log "$log"; fs_die "apt-get install $* failed"; }
}

# ---------------------------------------------------------------------------
# Tools: Java, Maven, curl, unzip
# ---------------------------------------------------------------------------

# Major version of the JDK/JRE at $1 (a java home), or empty.
fs_java_major() {
  local home="$1" v=""
  if [[ -r "$home/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release" | head -n1)"
  fi
  if [[ -z "$v" && -x "$home/bin/java" ]]; then
    v="$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  fi
  v="${v#1.}"            # 1.8.0 -> 8.0
  v="${v%%[!0-9]*}"      # 25.0.3 -> 25
  printf '%s' "$v"
}

# Sets FS_JAVA_HOME and FS_JAVA to the newest JDK (>= 17) under /usr/lib/jvm, falling back to
# the `java`/`javac` on PATH. FILESTORE_JAVA_HOME overrides the choice. Installs OpenJDK 17
# with apt-get when there is none and we may.
fs_find_jdk() {
  [[ -n "${FS_JAVA_HOME:-}" ]] && return 0
  local best="" bestv=0 d v
  if [[ -n "${FILESTORE_JAVA_HOME:-}" ]]; then
    [[ -x "$FILESTORE_JAVA_HOME/bin/java" ]] || fs_die "FILESTORE_JAVA_HOME=$FILESTORE_JAVA_HOME has no bin/java"
    best="$FILESTORE_JAVA_HOME"; bestv="$(fs_java_major "$best")"
  else
    for d in /usr/lib/jvm/*; do
      [[ -d "$d" && -x "$d/bin/java" && -x "$d/bin/javac" ]] || continue
      v="$(fs_java_major "$d")"
      [[ -n "$v" ]] || continue
      if (( v > bestv )); then best="$d"; bestv="$v"; fi
    done
    if [[ -z "$best" ]] && command -v javac >/dev/null 2>&1; then
      d="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
      v="$(fs_java_major "$d")"
      if [[ -n "$v" ]]; then best="$d"; bestv="$v"; fi
    fi
  fi
  if [[ -z "$best" || "$bestv" -lt 17 ]]; then
    if [[ -z "${FS_JDK_INSTALL_TRIED:-}" ]] && fs_can_install; then
      FS_JDK_INSTALL_TRIED=1
      fs_apt_install openjdk-17-jdk-headless
      fs_find_jdk
      return 0
    fi
    fs_die "no JDK 17 or newer found (looked in /usr/lib/jvm and PATH): install one, e.g. 'sudo apt-get install -y openjdk-17-jdk-headless', or set FILESTORE_JAVA_HOME"
  fi
  FS_JAVA_HOME="$(readlink -f "$best")"
  # shellcheck disable=SC2034
  FS_JAVA="$FS_JAVA_HOME/bin/java"
  FS_JAVA_MAJOR="$bestv"
}

fs_ensure_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    if fs_can_install; then fs_apt_install maven; fi
    command -v mvn >/dev/null 2>&1 || fs_die "Maven (mvn) is not installed: run 'sudo apt-get install -y maven'"
  fi
  # Maven's bundled Guava calls sun.misc.Unsafe: on JDK 23+ that prints warnings on every run.
  if [[ -n "${FS_JAVA_MAJOR:-}" ]] && (( FS_JAVA_MAJOR >= 23 )) && [[ "${MAVEN_OPTS:-}" != *sun-misc-unsafe-memory-access* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
  fi
}

fs_ensure_curl() {
  command -v curl >/dev/null 2>&1 && return 0
  if fs_can_install; then fs_apt_install curl ca-certificates; fi
  # Without curl, fs_http falls back to bash's /dev/tcp.
  return 0
}

# ---------------------------------------------------------------------------
# Network helpers
# ---------------------------------------------------------------------------

# True if something accepts TCP connections on $1:$2.
fs_port_open() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

# fs_http METHOD URL: prints the response body, succeeds on a 2xx status.
fs_http() {
  local method="$1" url="$2"
  if command -v curl >/dev/null 2>&1; then
    curl -sf -X "$method" --connect-timeout 3 --max-time "${FS_HTTP_TIMEOUT:-30}" "$url"
    return
  fi
  # Fallback without curl: plain HTTP/1.0 over bash's /dev/tcp, under a time limit.
  export -f fs__http_devtcp
  timeout "${FS_HTTP_TIMEOUT:-30}" bash -c 'fs__http_devtcp "$@"' _ "$method" "$url" 2>/dev/null
}

# Helper of fs_http (http://host:port/path only).
fs__http_devtcp() {
  local method="$1" url="$2" rest hostport path host port resp head status
  rest="${url#http://}"; hostport="${rest%%/*}"
  if [[ "$rest" == */* ]]; then path="/${rest#*/}"; else path=/; fi
  host="${hostport%%:*}"; port="${hostport##*:}"; [[ "$port" == "$hostport" ]] && port=80
  exec 3<>"/dev/tcp/$host/$port" || return 1
  printf '%s %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$method" "$path" "$hostport" >&3
  resp="$(cat <&3)"
  exec 3>&-
  head="${resp%%$'\r'*}"
  status="$(cut -d' ' -f2 <<<"$head")"
  printf '%s' "${resp#*$'\r\n\r\n'}"
  [[ "$status" == 2* ]]
}

# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------

# fs_tool_bin NAME [OVERRIDE]: the path of a program from a Debian package (OVERRIDE if executable, then PATH,
# then /usr/sbin/NAME), or nothing (status 1).
fs_tool_bin() {
  local b
  for b in "${2:-}" "$(command -v "$1" 2>/dev/null || true)" "/usr/sbin/$1"; do
    if [[ -n "$b" && -x "$b" ]]; then printf '%s' "$b"; return 0; fi
  done
  return 1
}

# fs_tool_ensure NAME PACKAGE EXPORT_VAR NEEDED_BY [OVERRIDE]: installs PACKAGE when NAME is missing (root or
# passwordless sudo) and exports EXPORT_VAR=<path>; warns and fails (without exiting) when it cannot: only NEEDED_BY
# needs it.
fs_tool_ensure() {
  local name="$1" package="$2" var="$3" needed="$4" override="${5:-}" bin
  if ! bin="$(fs_tool_bin "$name" "$override")"; then
    if fs_can_install; then
      fs_apt_install "$package"
    fi
    if ! bin="$(fs_tool_bin "$name" "$override")"; then
      fs_warn "$name is missing and cannot be installed here: run 'sudo apt-get install -y $package' ($needed needs it)"
      return 1
    fi
  fi
  export "$var=$bin"
}

# fs_pid_alive PID: the process exists (for any owner).
fs_pid_alive() {
  [[ -n "${1:-}" && "$1" =~ ^[0-9]+$ ]] && [[ -d "/proc/$1" ]]
}

# Reads a pid file; prints the pid if that process is alive.
fs_pidfile_pid() {
  local f="$1" pid
  [[ -r "$f" ]] || return 1
  pid="$(tr -dc '0-9' <"$f" 2>/dev/null || true)"
  fs_pid_alive "$pid" || return 1
  printf '%s' "$pid"
}

# fs_kill_wait PID NAME [SECONDS]: SIGTERM, wait, then SIGKILL.
fs_kill_wait() {
  local pid="$1" name="$2" secs="${3:-60}" i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 2; i++)); do
    fs_pid_alive "$pid" || return 0
    sleep 0.5
  done
  fs_warn "$name (pid $pid) did not stop within ${secs}s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 1
}
