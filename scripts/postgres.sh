# shellcheck shell=bash
# PostgreSQL provisioning for ./filestore. Sourced after lib.sh.
#
# Order of preference:
#   1. something already accepts connections on 127.0.0.1:5432: use it;
#   2. root (or passwordless sudo without PostgreSQL binaries): start the Debian cluster on port 5432
#      (pg_ctlcluster), creating it or installing PostgreSQL with apt-get when needed;
#   3. a normal user with PostgreSQL binaries (/usr/lib/postgresql/*/bin): a private cluster under
#      $FILESTORE_DATA_DIR/postgres (listens on 127.0.0.1:5432, socket inside its data dir);
#   4. otherwise: a clear error.
# Then: role filestore (LOGIN CREATEDB, password filestore), databases filestore and filestore_test.

fs_pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  [[ -n "$d" && -x "$d/postgres" ]] || return 1
  printf '%s' "$d"
}

fs_pg_private_dir() { printf '%s' "$FS_DATA_DIR/postgres"; }

# Unix socket directory of the private cluster: its data directory, unless that path is too long
# for a socket address (~107 bytes), then a per-user directory under /tmp.
fs_pg_private_sockdir() {
  local d
  d="$(fs_pg_private_dir)"
  if (( ${#d} + 16 < 100 )); then printf '%s' "$d"; else printf '/tmp/filestore-pg-%s' "$(id -u)"; fi
}

# Pid of the private cluster's postmaster if it runs.
fs_pg_private_pid() {
  local f
  f="$(fs_pg_private_dir)/postmaster.pid"
  [[ -r "$f" ]] || return 1
  local pid
  pid="$(head -n1 "$f" | tr -dc '0-9')"
  fs_pid_alive "$pid" || return 1
  printf '%s' "$pid"
}

fs_pg_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$FS_PG_HOST" -p "$FS_PG_PORT" -t 3 >/dev/null 2>&1
  else
    fs_port_open "$FS_PG_HOST" "$FS_PG_PORT"
  fi
}

fs_pg_wait_ready() {
  local secs="${1:-60}" i
  for ((i = 0; i < secs; i++)); do
    fs_pg_ready && return 0
    sleep 1
  done
  return 1
}

# A psql client: the one on PATH (Debian's wrapper) or the newest server's.
fs_psql_bin() {
  if command -v psql >/dev/null 2>&1; then command -v psql; return 0; fi
  local b
  if b="$(fs_pg_bindir)" && [[ -x "$b/psql" ]]; then printf '%s' "$b/psql"; return 0; fi
  if fs_can_install; then fs_apt_install postgresql-client >&2; command -v psql && return 0; fi
  return 1
}

# fs_pg_admin ARGS...: psql as a superuser of the server on 127.0.0.1:5432, on database postgres.
# Fails (without output on stderr) if no superuser access is possible from here.
fs_pg_admin() {
  local common=(-X -q -A -t -v ON_ERROR_STOP=1 -p "$FS_PG_PORT" -d postgres)
  if fs_pg_private_pid >/dev/null; then
    local b
    b="$(fs_pg_bindir)" || return 1
    "$b/psql" -h "$(fs_pg_private_sockdir)" -U postgres "${common[@]}" "$@"
  elif fs_is_root && id -u postgres >/dev/null 2>&1 && command -v psql >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- psql "${common[@]}" "$@")
  elif fs_can_sudo && id -u postgres >/dev/null 2>&1 && command -v psql >/dev/null 2>&1; then
    (cd / && sudo -n -u postgres psql "${common[@]}" "$@" </dev/null)
  else
    return 1
  fi
}

# fs_pg_as_app DB ARGS...: psql as the application role over TCP.
fs_pg_as_app() {
  local db="$1"; shift
  local psql
  psql="$(fs_psql_bin)" || return 1
  PGPASSWORD="$FS_DB_PASSWORD" PGCONNECT_TIMEOUT=5 "$psql" -X -q -A -t -v ON_ERROR_STOP=1 \
    -h "$FS_PG_HOST" -p "$FS_PG_PORT" -U "$FS_DB_USER" -d "$db" "$@"
}

fs_sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }
fs_sql_ident()   { printf '"%s"' "${1//\"/\"\"}"; }

# ---------------------------------------------------------------------------
# Starting a server
# ---------------------------------------------------------------------------

# Root (or sudo): the Debian cluster on port 5432; install PostgreSQL if needed.
fs_pg_start_system() {
  if ! fs_pg_bindir >/dev/null || ! command -v pg_lsclusters >/dev/null 2>&1; then
    fs_apt_install "postgresql-$FS_PG_VERSION"
    # The package creates (and may already have started) cluster "main" on port 5432.
    fs_pg_wait_ready 5 && return 0
  fi
  local ver name
  read -r ver name < <(pg_lsclusters --no-header 2>/dev/null | awk -v p="$FS_PG_PORT" '$3 == p { print $1, $2; exit }') || true
  if [[ -z "${ver:-}" ]]; then
    ver="$(basename "$(dirname "$(fs_pg_bindir)")")"
    name=main
    if pg_lsclusters --no-header 2>/dev/null | awk '{print $1, $2}' | grep -qx "$ver main"; then name=filestore; fi
    fs_say "Creating PostgreSQL cluster $ver/$name on port $FS_PG_PORT"
    fs_as_root pg_createcluster --port "$FS_PG_PORT" "$ver" "$name" >/dev/null || fs_die "pg_createcluster $ver $name failed"
  fi
  fs_say "Starting the system PostgreSQL cluster $ver/$name (pg_ctlcluster $ver $name start)"
  if ! fs_as_root pg_ctlcluster "$ver" "$name" start; then
    # "already running" is not an error for us.
    fs_pg_ready || { fs_tail_log "/var/log/postgresql/postgresql-$ver-$name.log"; fs_die "could not start PostgreSQL cluster $ver/$name"; }
  fi
}

# Normal user: a private cluster under $FS_DATA_DIR/postgres.
fs_pg_start_private() {
  local bin dir sock log
  bin="$(fs_pg_bindir)"
  dir="$(fs_pg_private_dir)"
  sock="$(fs_pg_private_sockdir)"
  log="$FS_LOG_DIR/postgres.log"
  mkdir -p "$FS_LOG_DIR" "$sock"
  if [[ ! -f "$dir/PG_VERSION" ]]; then
    fs_say "Creating a private PostgreSQL cluster in $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    chmod 700 "$dir"
    "$bin/initdb" -D "$dir" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$FS_LOG_DIR/initdb.log" 2>&1 \
      || { fs_tail_log "$FS_LOG_DIR/initdb.log"; fs_die "initdb failed"; }
    cat >>"$dir/postgresql.conf" <<EOF

# ---- added by ./filestore ----
listen_addresses = '$FS_PG_HOST'
port = $FS_PG_PORT
unix_socket_directories = '$sock'
EOF
  fi
  fs_say "Starting the private PostgreSQL cluster ($dir, log $log)"
  "$bin/pg_ctl" -D "$dir" -l "$log" -w -t 60 start >/dev/null \
    || { fs_tail_log "$log"; fs_die "could not start the private PostgreSQL cluster in $dir"; }
}

# ---------------------------------------------------------------------------
# Role and databases
# ---------------------------------------------------------------------------

fs_pg_provision() {
  local role pw
  role="$(fs_sql_ident "$FS_DB_USER")"
  pw="$(fs_sql_literal "$FS_DB_PASSWORD")"
  local exists
  if exists="$(fs_pg_admin -c "SELECT 1 FROM pg_roles WHERE rolname = $(fs_sql_literal "$FS_DB_USER")" 2>/dev/null)"; then
    if [[ "$exists" == 1 ]]; then
      fs_pg_admin -c "ALTER ROLE $role LOGIN CREATEDB PASSWORD $pw" >/dev/null
    else
      fs_say "Creating PostgreSQL role $FS_DB_USER"
      fs_pg_admin -c "CREATE ROLE $role LOGIN CREATEDB PASSWORD $pw" >/dev/null
    fi
    local db
    for db in "$FS_DB_NAME" "$FS_TEST_DB_NAME"; do
      if [[ "$(fs_pg_admin -c "SELECT 1 FROM pg_database WHERE datname = $(fs_sql_literal "$db")")" != 1 ]]; then
        fs_say "Creating database $db"
        fs_pg_admin -c "CREATE DATABASE $(fs_sql_ident "$db") OWNER $role" >/dev/null
      else
        fs_pg_admin -c "ALTER DATABASE $(fs_sql_ident "$db") OWNER TO $role" >/dev/null
      fi
    done
  else
    # No superuser access (a server we did not start, and we are not root): the role must exist.
    fs_info "no superuser access to the PostgreSQL server on $FS_PG_HOST:$FS_PG_PORT: checking that role $FS_DB_USER can log in"
    fs_pg_as_app postgres -c 'SELECT 1' >/dev/null 2>&1 || fs_die "$(cat <<EOF
PostgreSQL on $FS_PG_HOST:$FS_PG_PORT is not one ./filestore manages, and role '$FS_DB_USER' cannot log in with password '$FS_DB_PASSWORD'.
Either create the role and databases as a PostgreSQL superuser:
    CREATE ROLE $FS_DB_USER LOGIN CREATEDB PASSWORD '$FS_DB_PASSWORD';
    CREATE DATABASE $FS_DB_NAME OWNER $FS_DB_USER;
    CREATE DATABASE $FS_TEST_DB_NAME OWNER $FS_DB_USER;
(as root: runuser -u postgres -- psql), or stop that server so that ./filestore can start its own cluster,
or run ./filestore once as root.
EOF
)"
    local db
    for db in "$FS_DB_NAME" "$FS_TEST_DB_NAME"; do
      if [[ "$(fs_pg_as_app postgres -c "SELECT 1 FROM pg_database WHERE datname = $(fs_sql_literal "$db")")" != 1 ]]; then
        fs_say "Creating database $db (as $FS_DB_USER)"
        fs_pg_as_app postgres -c "CREATE DATABASE $(fs_sql_ident "$db")" >/dev/null \
          || fs_die "role $FS_DB_USER cannot create database $db: create it as a superuser (CREATE DATABASE $db OWNER $FS_DB_USER)"
      fi
    done
  fi
  # Final check: the application's credentials work over TCP.
  fs_pg_as_app "$FS_DB_NAME" -c 'SELECT 1' >/dev/null \
    || fs_die "cannot log in to $FS_DB_URL as $FS_DB_USER (check pg_hba.conf allows password logins from 127.0.0.1)"
}

# Drop and recreate the test database (used by ./filestore test).
fs_pg_reset_test_db() {
  local db role
  db="$(fs_sql_ident "$FS_TEST_DB_NAME")"
  role="$(fs_sql_ident "$FS_DB_USER")"
  fs_say "Recreating database $FS_TEST_DB_NAME"
  # WITH (FORCE) (PostgreSQL 13+) also ends sessions left open on the test database.
  if fs_pg_admin -c 'SELECT 1' >/dev/null 2>&1; then
    fs_pg_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 \
      || fs_pg_admin -c "DROP DATABASE IF EXISTS $db" >/dev/null \
      || fs_die "could not drop database $FS_TEST_DB_NAME"
    fs_pg_admin -c "CREATE DATABASE $db OWNER $role" >/dev/null
  else
    fs_pg_as_app postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 \
      || fs_pg_as_app postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null \
      || fs_die "could not drop database $FS_TEST_DB_NAME as $FS_DB_USER"
    fs_pg_as_app postgres -c "CREATE DATABASE $db" >/dev/null \
      || fs_die "could not create database $FS_TEST_DB_NAME as $FS_DB_USER"
  fi
}

# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------

fs_pg_ensure() {
  if fs_pg_ready; then
    if fs_pg_private_pid >/dev/null; then
      fs_say "PostgreSQL: private cluster already running ($(fs_pg_private_dir))"
    else
      fs_say "PostgreSQL: already accepting connections on $FS_PG_HOST:$FS_PG_PORT, reusing it"
    fi
  else
    if fs_port_open "$FS_PG_HOST" "$FS_PG_PORT"; then
      # Something listens but is not ready yet (starting up): give it time.
      fs_say "PostgreSQL: $FS_PG_HOST:$FS_PG_PORT is open but not ready yet, waiting"
      fs_pg_wait_ready 60 || fs_die "something listens on $FS_PG_HOST:$FS_PG_PORT but does not accept PostgreSQL connections"
    elif ! fs_is_local_host "$FS_PG_HOST"; then
      fs_die "no PostgreSQL server accepts connections on $FS_PG_HOST:$FS_PG_PORT (from FILESTORE_DB_URL); ./filestore starts one only on this machine"
    elif fs_is_root; then
      fs_pg_start_system
    elif fs_pg_bindir >/dev/null; then
      fs_pg_start_private
    elif fs_can_sudo; then
      fs_pg_start_system
    else
      fs_die "$(cat <<EOF
no PostgreSQL server accepts connections on $FS_PG_HOST:$FS_PG_PORT and none can be started from here
(no PostgreSQL binaries under /usr/lib/postgresql, not root, no passwordless sudo). Either:
  - install PostgreSQL: sudo apt-get install -y postgresql   (then rerun; ./filestore starts a private cluster), or
  - start a server on $FS_PG_HOST:$FS_PG_PORT yourself, or
  - run ./filestore services once as root.
EOF
)"
    fi
    fs_pg_wait_ready 60 || fs_die "PostgreSQL did not become ready on $FS_PG_HOST:$FS_PG_PORT"
  fi
  fs_pg_provision
  fs_info "PostgreSQL ready: $FS_DB_URL (user $FS_DB_USER), test database $FS_TEST_DB_NAME"
}

fs_pg_stop() {
  local pid dir bin
  dir="$(fs_pg_private_dir)"
  if pid="$(fs_pg_private_pid)"; then
    fs_say "Stopping the private PostgreSQL cluster ($dir, pid $pid)"
    if bin="$(fs_pg_bindir)"; then
      "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null || fs_kill_wait "$pid" postgres 30
    else
      fs_kill_wait "$pid" postgres 60
    fi
  else
    fs_info "PostgreSQL: no private cluster running (a system PostgreSQL is never stopped by ./filestore)"
  fi
}

fs_pg_status() {
  local pid
  if fs_pg_ready; then
    if pid="$(fs_pg_private_pid)"; then
      echo "PostgreSQL:    up   $FS_PG_HOST:$FS_PG_PORT  private cluster $(fs_pg_private_dir) (pid $pid, log $FS_LOG_DIR/postgres.log)"
    else
      echo "PostgreSQL:    up   $FS_PG_HOST:$FS_PG_PORT  system/external server (not managed by ./filestore)"
    fi
    if fs_pg_as_app "$FS_DB_NAME" -c 'SELECT 1' >/dev/null 2>&1; then
      echo "               login $FS_DB_USER@$FS_DB_NAME ok"
    else
      echo "               login $FS_DB_USER@$FS_DB_NAME FAILED (run ./filestore services)"
    fi
    return 0
  fi
  echo "PostgreSQL:    down ($FS_PG_HOST:$FS_PG_PORT)"
  return 1
}
