#!/usr/bin/env bash
# Generates the Gatekeeper CRDs the tests install (test/crds/gatekeeper) with controller-gen,
# from the Go types at the versions go.mod requires, read from the module cache:
#   - github.com/open-policy-agent/frameworks/constraint: ConstraintTemplate
#     (templates.gatekeeper.sh v1 stored, v1beta1 and v1alpha1 served, as upstream serves them)
#     and the external data Provider (externaldata.gatekeeper.sh), which the manager watches
#     by default;
#   - github.com/open-policy-agent/gatekeeper/v3: Config, SyncSet, the status.gatekeeper.sh
#     pod statuses, ExpansionTemplate, Connection and the mutators, the set upstream's
#     config/crd installs.
# The "unversioned" packages are left out: they hold internal types whose CRDs would have no
# group. Never copy Gatekeeper's YAML: regenerating keeps the CRDs equal to the Go types.
#
# Upstream generates the same files the same way (`make manifests` in both repositories); its
# kustomize step only adds labels and, for the mutators, ExpansionTemplate and SyncSet, a
# 63-character limit on metadata.name. The tests need neither, so there is no post-processing.
# The constraint CRDs (constraints.gatekeeper.sh) are not here: Gatekeeper creates one per
# ConstraintTemplate.
#
# Usage: hack/gatekeeper-crds.sh [controller-gen]   (default: bin/controller-gen-v0.23.0)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CONTROLLER_GEN="${1:-bin/controller-gen-v0.23.0}"
OUT="test/crds/gatekeeper"
FRAMEWORKS="github.com/open-policy-agent/frameworks/constraint/pkg/apis"
GATEKEEPER="github.com/open-policy-agent/gatekeeper/v3/apis"

go mod download github.com/open-policy-agent/frameworks/constraint github.com/open-policy-agent/gatekeeper/v3
rm -rf "${OUT}" && mkdir -p "${OUT}"
"${CONTROLLER_GEN}" crd \
  paths="${FRAMEWORKS}/templates/..." \
  paths="${FRAMEWORKS}/externaldata/..." \
  paths="${GATEKEEPER}/config/..." \
  paths="${GATEKEEPER}/syncset/..." \
  paths="${GATEKEEPER}/status/..." \
  paths="${GATEKEEPER}/expansion/v1alpha1" paths="${GATEKEEPER}/expansion/v1beta1" \
  paths="${GATEKEEPER}/connection/..." \
  paths="${GATEKEEPER}/mutations/v1" paths="${GATEKEEPER}/mutations/v1alpha1" \
  paths="${GATEKEEPER}/mutations/v1beta1" \
  output:crd:artifacts:config="${OUT}"
