#!/usr/bin/env bash
# Installs Debian's chromium for the tests that drive a real browser (internal/browsertest: the
# portal's journeys in test/e2e/portal_test.go and `make screenshots`), and prints its path.
#
# The machines reach Debian's package archive but no browser download site, so the browser is
# the distribution's package, installed with apt-get as root. A second run only finds it.
# CHROMIUM, when set, names a browser to use instead (it must exist).
#
# Usage: hack/chromium.sh     install if needed (quiet), print the browser's path
set -euo pipefail

log() { echo "chromium: $*" >&2; }

# find_chromium prints the first browser binary found, or fails.
find_chromium() {
  local name
  for name in chromium chromium-browser; do
    command -v "${name}" && return 0
  done
  return 1
}

if [[ -n "${CHROMIUM:-}" ]]; then
  [[ -x "${CHROMIUM}" ]] || { log "CHROMIUM=${CHROMIUM} is not an executable file"; exit 1; }
  echo "${CHROMIUM}"
  exit 0
fi
if find_chromium; then
  exit 0
fi
[[ "$(id -u)" == 0 ]] || { log "chromium is missing: run 'sudo apt-get install chromium' (or this script as root)"; exit 1; }
command -v apt-get > /dev/null || { log "chromium is missing and apt-get is not there: install chromium and set CHROMIUM"; exit 1; }
log "installing Debian's chromium with apt-get (about a minute)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq > /dev/null
apt-get install -y -qq --no-install-recommends chromium > /dev/null
find_chromium || { log "apt-get installed chromium, but no chromium binary is on PATH"; exit 1; }
