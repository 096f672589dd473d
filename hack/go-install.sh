#!/usr/bin/env bash
# Installs one pinned Go tool into a versioned path, e.g. bin/controller-gen-v0.23.0.
# Usage: hack/go-install.sh <target path> <package> <version>
#
# A copy is kept in ~/.cache/kubearc/tools (KUBEARC_CACHE_DIR), so another clone on the same
# machine (CI) reuses it instead of compiling again.
set -euo pipefail
target="$1" pkg="$2" version="$3"
cache="${KUBEARC_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/kubearc}/tools/$(go env GOOS)-$(go env GOARCH)/$(basename "${target}")"
mkdir -p "$(dirname "${target}")" "$(dirname "${cache}")"
if [[ -x "${cache}" ]]; then
  cp "${cache}" "${target}"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
echo "installing ${pkg}@${version}" >&2
GOBIN="${tmp}" GOTOOLCHAIN=local go install "${pkg}@${version}"
cp "${tmp}/$(basename "${pkg}")" "${cache}"
mv "${tmp}/$(basename "${pkg}")" "${target}"
