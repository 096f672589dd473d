#!/usr/bin/env bash
# Builds the Flux source-controller and kustomize-controller from the Go module proxy, for the
# e2e tests that run them as processes against the test API server.
#
# The machines only reach the Go module proxy, so we compile the controllers from source the
# way hack/envtest.sh compiles kube-apiserver: a throwaway wrapper module per controller
# requires the controller's main module and repeats its non-local `replace` directives (a
# dependency's replaces are ignored by Go). The repository's go.mod is never touched.
#
# The proxy refuses a few module versions ("403 ... not available"). Requiring a newer
# release that it serves fixes the build: EXTRA_REQUIRE_<controller> lists them.
#
# The binaries land in bin/flux/<source version>-<kustomize version>-<os>-<arch>/, a copy in
# ~/.cache/kubearc (KUBEARC_CACHE_DIR). A second run only checks that the binaries exist and
# prints the directory.
#
# Usage: hack/flux.sh     build if needed, print the binaries' directory
#        SOURCE_CONTROLLER_VERSION=1.9.6 KUSTOMIZE_CONTROLLER_VERSION=1.9.6 hack/flux.sh
set -euo pipefail

SOURCE_CONTROLLER_VERSION="${SOURCE_CONTROLLER_VERSION:-1.9.6}"
KUSTOMIZE_CONTROLLER_VERSION="${KUSTOMIZE_CONTROLLER_VERSION:-1.9.6}"
# Module versions the proxy refuses for these releases, replaced by newer ones it serves.
EXTRA_REQUIRE_source_controller="${EXTRA_REQUIRE_source_controller-github.com/fluxcd/pkg/artifact@v0.20.0}"
EXTRA_REQUIRE_kustomize_controller="${EXTRA_REQUIRE_kustomize_controller-}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OS="$(go env GOOS)"
ARCH="$(go env GOARCH)"
NAME="${SOURCE_CONTROLLER_VERSION}-${KUSTOMIZE_CONTROLLER_VERSION}-${OS}-${ARCH}"
ASSETS="${ROOT}/bin/flux/${NAME}"
WORK="${ROOT}/bin/.flux-build/${NAME}"
CACHE="${KUBEARC_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/kubearc}/flux/${NAME}"
export GOTOOLCHAIN=local

log() { echo "flux: $*" >&2; }

up_to_date() {
  [[ -x "${ASSETS}/source-controller" && -x "${ASSETS}/kustomize-controller" ]] || return 1
  [[ "$(cat "${ASSETS}/VERSIONS" 2>/dev/null)" == "$(versions)" ]]
}

versions() {
  printf 'source-controller v%s\nkustomize-controller v%s\n' \
    "${SOURCE_CONTROLLER_VERSION}" "${KUSTOMIZE_CONTROLLER_VERSION}"
}

# build builds a controller's main package through a wrapper module (hack/lib.sh).
build() {
  local controller="$1" version="$2" extra="$3" dir="${WORK}/$1"
  write_wrapper "${dir}" "kubearc.local/flux-${controller}" "github.com/fluxcd/${controller}" \
    "v${version}" "${extra}"
  build_main "${dir}" "github.com/fluxcd/${controller}" "${ASSETS}/${controller}"
}

build_all() {
  build source-controller "${SOURCE_CONTROLLER_VERSION}" "${EXTRA_REQUIRE_source_controller}"
  build kustomize-controller "${KUSTOMIZE_CONTROLLER_VERSION}" "${EXTRA_REQUIRE_kustomize_controller}"
  versions > "${ASSETS}/VERSIONS"
}

# shellcheck source=hack/lib.sh
source "${ROOT}/hack/lib.sh"
ensure_built build_all
