#!/usr/bin/env bash
# Generates the Flux CRDs the tests install (test/crds/flux) with controller-gen, from the Flux
# API Go types at the versions go.mod requires (github.com/fluxcd/source-controller/api and
# github.com/fluxcd/kustomize-controller/api, read from the module cache). Never copy Flux's
# YAML: regenerating keeps the CRDs equal to the Go types the agent compiles against.
#
# Only the v1 API versions are generated: the agent and the Flux controllers it is tested with
# (hack/flux.sh) use v1 only.
#
# Usage: hack/flux-crds.sh [controller-gen]   (default: bin/controller-gen-v0.23.0)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CONTROLLER_GEN="${1:-bin/controller-gen-v0.23.0}"
OUT="test/crds/flux"

go mod download github.com/fluxcd/source-controller/api github.com/fluxcd/kustomize-controller/api
rm -rf "${OUT}" && mkdir -p "${OUT}"
"${CONTROLLER_GEN}" crd \
  paths=github.com/fluxcd/source-controller/api/v1 \
  paths=github.com/fluxcd/kustomize-controller/api/v1 \
  output:crd:artifacts:config="${OUT}"
