# shellcheck shell=bash
# Varnish (Debian package `varnish`, 7.1 on bookworm) as the CDN edge of the end-to-end tests and the CDN
# benchmark. Sourced by ./filestore after lib.sh (the test command installs it on demand), or run directly:
#
#   scripts/varnish.sh ensure                      install varnish if missing; print the varnishd path
#   scripts/varnish.sh start PORT BACKEND_PORT DIR [BACKEND_HOST]
#                                                  run varnishd on 127.0.0.1:PORT in front of
#                                                  BACKEND_HOST:BACKEND_PORT (default host 127.0.0.1) with
#                                                  deploy/varnish/filestore.vcl; state, VCL and pid in DIR
#   scripts/varnish.sh stop DIR                    stop the varnishd started with DIR
#
# varnishd daemonizes; as root it runs without privilege separation (-j none), so DIR may be anywhere.
# No management port (-T none): the instance is stopped by its pid file.

# Path of varnishd, or nothing.
fs_varnish_bin() { fs_tool_bin varnishd "${FILESTORE_VARNISHD:-}"; }

# Installs Varnish when missing and exports FILESTORE_TEST_VARNISHD (only the CDN tests need it).
fs_varnish_ensure() { fs_tool_ensure varnishd varnish FILESTORE_TEST_VARNISHD CdnIT "${FILESTORE_VARNISHD:-}"; }

# fs_varnish_start PORT BACKEND_PORT DIR [BACKEND_HOST]
fs_varnish_start() {
  local port="$1" backend_port="$2" dir="$3" backend_host="${4:-127.0.0.1}" bin jail=()
  [[ "$port" =~ ^[0-9]+$ && "$backend_port" =~ ^[0-9]+$ ]] || fs_die "varnish: ports must be numbers"
  [[ "$backend_host" =~ ^[A-Za-z0-9.:-]+$ ]] || fs_die "varnish: bad backend host '$backend_host'"
  bin="$(fs_varnish_bin)" || fs_die "varnishd is missing (scripts/varnish.sh ensure installs it)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd -P)"
  fs_varnish_stop "$dir"
  sed -e "/^backend filestore/,/^}/{s/\.host = \"[^\"]*\";/.host = \"$backend_host\";/;s/\.port = \"[^\"]*\";/.port = \"$backend_port\";/}" \
    "$FS_REPO/deploy/varnish/filestore.vcl" >"$dir/filestore.vcl"
  if fs_is_root; then jail=(-j none); fi
  "$bin" "${jail[@]}" -a "127.0.0.1:$port" -f "$dir/filestore.vcl" -n "$dir/work" -s malloc,128m \
    -T none -P "$dir/varnishd.pid" >"$dir/varnishd.log" 2>&1 </dev/null \
    || { fs_tail_log "$dir/varnishd.log"; fs_die "varnishd did not start"; }
  local i
  for ((i = 0; i < 100; i++)); do
    fs_port_open 127.0.0.1 "$port" && return 0
    sleep 0.1
  done
  fs_tail_log "$dir/varnishd.log"
  fs_die "varnishd does not listen on 127.0.0.1:$port"
}

# fs_varnish_stop DIR
fs_varnish_stop() {
  local pid
  if pid="$(fs_pidfile_pid "$1/varnishd.pid")"; then
    fs_kill_wait "$pid" varnishd 20
  fi
  rm -f "$1/varnishd.pid"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  FS_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
  # shellcheck source=scripts/lib.sh
  source "$FS_REPO/scripts/lib.sh"
  FS_LOG_DIR="${TMPDIR:-/tmp}"
  export DEBIAN_FRONTEND=noninteractive
  case "${1:-}" in
    ensure) fs_varnish_ensure || exit 1; printf '%s\n' "$FILESTORE_TEST_VARNISHD" ;;
    start) shift; fs_varnish_start "$@" ;;
    stop) shift; fs_varnish_stop "${1:?DIR}" ;;
    *) echo "usage: $0 ensure | start PORT BACKEND_PORT DIR [BACKEND_HOST] | stop DIR" >&2; exit 2 ;;
  esac
fi
