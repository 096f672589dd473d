#!/usr/bin/env bash
# Builds OPA Gatekeeper's manager (webhook, audit, status) from the Go module proxy, for the
# tests that run it as a process against the test API server (internal/gatekeepertest).
#
# As hack/flux.sh does for Flux: a throwaway wrapper module requires
# github.com/open-policy-agent/gatekeeper/v3 (whose root package is the manager's main) and
# repeats its non-local replace directives. The repository's go.mod is never touched.
#
# The proxy refuses a few module versions ("403 ... not available"); EXTRA_REQUIRE lists newer
# releases it serves that fix the build (space-separated module@version).
#
# The binary lands in bin/gatekeeper/<version>-<os>-<arch>/manager, a copy in ~/.cache/kubearc
# (KUBEARC_CACHE_DIR). A second run only checks that the binary exists and was built from the
# wanted version, and prints the directory.
#
# Usage: hack/gatekeeper.sh     build if needed, print the binary's directory
#        GATEKEEPER_VERSION=3.23.1 hack/gatekeeper.sh
set -euo pipefail

GATEKEEPER_VERSION="${GATEKEEPER_VERSION:-3.23.1}"
EXTRA_REQUIRE="${EXTRA_REQUIRE-}"

MODULE="github.com/open-policy-agent/gatekeeper/v3"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OS="$(go env GOOS)"
ARCH="$(go env GOARCH)"
NAME="${GATEKEEPER_VERSION}-${OS}-${ARCH}"
ASSETS="${ROOT}/bin/gatekeeper/${NAME}"
WORK="${ROOT}/bin/.gatekeeper-build/${NAME}"
CACHE="${KUBEARC_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/kubearc}/gatekeeper/${NAME}"
export GOTOOLCHAIN=local

log() { echo "gatekeeper: $*" >&2; }

# up_to_date reads the module version from the binary's build information (the "mod" line:
# the main package belongs to the Gatekeeper module).
up_to_date() {
  [[ -x "${ASSETS}/manager" ]] || return 1
  go version -m "${ASSETS}/manager" 2>/dev/null |
    grep -qE "^[[:space:]]+mod[[:space:]]+${MODULE}[[:space:]]+v${GATEKEEPER_VERSION}[[:space:]]"
}

build_all() {
  write_wrapper "${WORK}" kubearc.local/gatekeeper "${MODULE}" "v${GATEKEEPER_VERSION}" "${EXTRA_REQUIRE}"
  build_main "${WORK}" "${MODULE}" "${ASSETS}/manager" \
    "-X ${MODULE}/pkg/version.Version=v${GATEKEEPER_VERSION}"
}

# shellcheck source=hack/lib.sh
source "${ROOT}/hack/lib.sh"
ensure_built build_all
