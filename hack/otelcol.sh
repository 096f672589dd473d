#!/usr/bin/env bash
# Builds the test OpenTelemetry Collector, kubearc-otelcol, from the Go module proxy, for the
# tests that run it as a process (charts/monitoring_test.go validates the monitoring chart's
# config with it; test/e2e/monitoring_test.go runs it as the cluster's collector and as the
# workspace it exports to).
#
# Real clusters run the upstream contrib image (charts/kubearc-monitoring). The machines only
# reach the Go module proxy, so the tests use a small distribution with the chart's components,
# built by the OpenTelemetry Collector Builder (ocb) from hack/otelcol/manifest.yaml. Its
# components are pinned at one collector release the proxy serves in full (newer contrib
# releases need pkg/stanza and pkg/ottl versions it refuses with 403).
#
# The binary lands in bin/otelcol/<version>-<os>-<arch>/kubearc-otelcol, a copy in
# ~/.cache/kubearc (KUBEARC_CACHE_DIR). A second run only checks that the binary reports the
# wanted version and was built from the current manifest, and prints the directory.
#
# Usage: hack/otelcol.sh     build if needed (about 2.5 minutes), print the binary's directory
set -euo pipefail

OTELCOL_VERSION="${OTELCOL_VERSION:-0.148.0}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OS="$(go env GOOS)"
ARCH="$(go env GOARCH)"
NAME="${OTELCOL_VERSION}-${OS}-${ARCH}"
ASSETS="${ROOT}/bin/otelcol/${NAME}"
WORK="${ROOT}/bin/.otelcol-build/${NAME}"
CACHE="${KUBEARC_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/kubearc}/otelcol/${NAME}"
MANIFEST="${ROOT}/hack/otelcol/manifest.yaml"
BUILDER="${ROOT}/bin/ocb-v${OTELCOL_VERSION}"
export GOTOOLCHAIN=local

log() { echo "otelcol: $*" >&2; }

# versions is what the binary was built from: the collector version and the manifest's digest,
# so that a component added to the manifest rebuilds it.
versions() {
  printf 'kubearc-otelcol version %s\nmanifest %s\n' "${OTELCOL_VERSION}" \
    "$(sha256sum "${MANIFEST}" | cut -d' ' -f1)"
}

up_to_date() {
  [[ -x "${ASSETS}/kubearc-otelcol" ]] || return 1
  [[ "$("${ASSETS}/kubearc-otelcol" --version 2>/dev/null)" == "kubearc-otelcol version ${OTELCOL_VERSION}" ]] || return 1
  [[ "$(cat "${ASSETS}/VERSIONS" 2>/dev/null)" == "$(versions)" ]]
}

# build_all generates the distribution's sources from the manifest (with this build's output
# path and version) and compiles them, static and stripped.
build_all() {
  local start
  [[ -x "${BUILDER}" ]] || "${ROOT}/hack/go-install.sh" "${BUILDER}" \
    go.opentelemetry.io/collector/cmd/builder "v${OTELCOL_VERSION}"
  mkdir -p "${WORK}"
  sed -e "s|^dist:\$|dist:\n  output_path: ${WORK}/src\n  version: ${OTELCOL_VERSION}|" \
    "${MANIFEST}" > "${WORK}/manifest.yaml"
  log "building kubearc-otelcol ${OTELCOL_VERSION} (the first build takes a few minutes)"
  start="$(date +%s)"
  GOPROXY="${GOPROXY:-https://proxy.golang.org}" CGO_ENABLED=0 \
    "${BUILDER}" --config "${WORK}/manifest.yaml" --ldflags "-s -w" > "${WORK}/builder.log" 2>&1 ||
    { tail -n 30 "${WORK}/builder.log" >&2; log "the build failed (log: ${WORK}/builder.log)"; exit 1; }
  cp "${WORK}/src/kubearc-otelcol" "${ASSETS}/kubearc-otelcol"
  versions > "${ASSETS}/VERSIONS"
  log "built kubearc-otelcol in $(( $(date +%s) - start ))s"
}

# shellcheck source=hack/lib.sh
source "${ROOT}/hack/lib.sh"
ensure_built build_all
