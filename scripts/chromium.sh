# shellcheck shell=bash
# Chromium and its WebDriver (Debian's chromium and chromium-driver) for the web interface's browser tests
# (api/src/test/java/io/filestore/api/it/WebInterfaceIT.java). Installed on demand with apt; nothing is ever downloaded by
# Selenium or a browser installer. Sourced by ./filestore.

fs_chromium_ensure() {
  if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    return 0
  fi
  if fs_can_install; then
    fs_apt_install chromium chromium-driver fonts-dejavu-core
  fi
  if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    fs_die "the browser tests need Chromium: run 'sudo apt-get install -y chromium chromium-driver' (or run ./filestore as root)"
  fi
}
