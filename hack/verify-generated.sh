#!/usr/bin/env bash
# Fails when regenerating changes a generated file, i.e. one committed file is stale.
# Usage: hack/verify-generated.sh <command that regenerates, e.g. make manifests generate>
#
# It snapshots the generated files, regenerates them and compares, so it works on a dirty
# work tree as well as on a clean CI clone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

generated() {
  find config/crd/bases config/rbac/role.yaml charts/kubearc-agent/crds \
    charts/kubearc-agent/templates/_rbac-generated.tpl test/crds/flux test/crds/gatekeeper -type f 2>/dev/null || true
  find . -name 'zz_generated.*.go' -not -path './bin/*' 2>/dev/null
}

snapshot="$(mktemp -d)"
trap 'rm -rf "${snapshot}"' EXIT
generated | while read -r f; do mkdir -p "${snapshot}/$(dirname "$f")"; cp "$f" "${snapshot}/$f"; done

"$@" >/dev/null

stale=0
generated | while read -r f; do [[ -f "${snapshot}/$f" ]] || { echo "new generated file: $f"; exit 1; }; done || stale=1
(cd "${snapshot}" && find . -type f) | while read -r f; do [[ -f "$f" ]] || { echo "generated file disappeared: $f"; exit 1; }; done || stale=1
for f in $(generated); do
  diff -u "${snapshot}/$f" "$f" || stale=1
done
if (( stale )); then
  echo "generated files were stale and have been regenerated: review and commit them" >&2
  exit 1
fi
