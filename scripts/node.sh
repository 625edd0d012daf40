# shellcheck shell=bash
# Node.js and npm: the build bundles the web interface (api/src/main/webui, esbuild) and the tests run
# tus-js-client. Installed on demand from Debian (nodejs 18 on Debian 12 is enough). Sourced by ./filestore.

fs_node_ensure() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    return 0
  fi
  if fs_can_install; then
    fs_apt_install nodejs npm
  fi
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
    || fs_die "the build needs Node.js 18 or newer and npm: run 'sudo apt-get install -y nodejs npm' (or run ./filestore as root)"
}
