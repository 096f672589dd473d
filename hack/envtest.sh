#!/usr/bin/env bash
# Builds the envtest control plane (kube-apiserver, etcd, kubectl) from the Go module proxy.
#
# setup-envtest downloads prebuilt binaries from the internet; these machines only reach the
# Go module proxy, so we compile the same binaries from source instead:
#   - kube-apiserver and kubectl: a throwaway wrapper module requires k8s.io/kubernetes and
#     replaces every staging module (which the upstream go.mod points at ./staging/...) with
#     its published v0.Y.Z release;
#   - etcd: go.etcd.io/etcd/server/v3 is a main package, built the same way.
#
# The binaries land in bin/k8s/<kube-version>-<os>-<arch>/, the layout setup-envtest uses, so
# tests find them from `make test`, plain `go test` or an IDE. A second run only checks that
# the binaries exist and report the right version, and prints the directory. A copy is kept in
# ~/.cache/kubearc (KUBEARC_CACHE_DIR), so another clone on the same machine reuses it.
#
# Usage: hack/envtest.sh            build if needed, print the assets directory
#        KUBE_VERSION=1.37.2 ETCD_VERSION=3.6.16 hack/envtest.sh
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OS="$(go env GOOS)"
ARCH="$(go env GOARCH)"
ASSETS="${ROOT}/bin/k8s/${KUBE_VERSION}-${OS}-${ARCH}"
WORK="${ROOT}/bin/.envtest-build/${KUBE_VERSION}-etcd${ETCD_VERSION}"
# A copy outside the work tree, so a fresh clone on the same machine (CI) skips the build.
CACHE="${KUBEARC_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/kubearc}/k8s/${KUBE_VERSION}-etcd${ETCD_VERSION}-${OS}-${ARCH}"

log() { echo "envtest: $*" >&2; }

# The kubectl on PATH is good enough when its minor version is within one of the server's
# (kubectl's supported version skew).
kubectl_on_path_fits() {
  command -v kubectl >/dev/null || return 1
  local minor want
  minor="$(kubectl version --client -o json 2>/dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -1)"
  want="$(echo "${KUBE_VERSION}" | cut -d. -f2)"
  [[ -n "${minor}" ]] && (( minor >= want - 1 && minor <= want + 1 ))
}

up_to_date() {
  [[ -x "${ASSETS}/kube-apiserver" && -x "${ASSETS}/etcd" && -x "${ASSETS}/kubectl" ]] || return 1
  "${ASSETS}/kube-apiserver" --version 2>/dev/null | grep -q "v${KUBE_VERSION}\$" || return 1
  "${ASSETS}/etcd" --version 2>/dev/null | grep -q "etcd Version: ${ETCD_VERSION}\$"
}

ldflags() {
  local major minor key flags=""
  major="$(echo "${KUBE_VERSION}" | cut -d. -f1)"
  minor="$(echo "${KUBE_VERSION}" | cut -d. -f2)"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    for key in "gitVersion=v${KUBE_VERSION}" "gitMajor=${major}" "gitMinor=${minor}" \
               "gitTreeState=clean" "buildDate=1970-01-01T00:00:00Z"; do
      flags+=" -X ${pkg}.${key}"
    done
  done
  echo "-s -w${flags}"
}

# write_kube_wrapper creates a module that builds k8s.io/kubernetes/cmd/... with every staging
# module replaced by its published release.
write_kube_wrapper() {
  local dir="${WORK}/kubernetes" gomod staging
  mkdir -p "${dir}"
  gomod="$(go mod download -json "k8s.io/kubernetes@v${KUBE_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
  staging="$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "${gomod}")"
  {
    echo "module kubearc.local/envtest-kubernetes"
    echo
    sed -n 's/^go \(.*\)/go \1/p' "${gomod}"
    echo
    echo "require k8s.io/kubernetes v${KUBE_VERSION}"
    echo
    echo "replace ("
    for m in ${staging}; do echo "	${m} => ${m} v0${KUBE_VERSION#1}"; done
    echo ")"
  } > "${dir}/go.mod"
  echo "${dir}"
}

write_etcd_wrapper() {
  local dir="${WORK}/etcd"
  mkdir -p "${dir}"
  printf 'module kubearc.local/envtest-etcd\n\ngo 1.25\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' \
    "${ETCD_VERSION}" > "${dir}/go.mod"
  echo "${dir}"
}

build() {
  local dir="$1" pkg="$2" out="$3" flags="$4"
  log "building ${pkg} (the first build takes several minutes)"
  (cd "${dir}" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "${flags}" -o "${out}" "${pkg}")
}

build_all() {
  local kube etcd
  kube="$(write_kube_wrapper)"
  etcd="$(write_etcd_wrapper)"
  build "${etcd}" go.etcd.io/etcd/server/v3 "${ASSETS}/etcd" \
    "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v${ETCD_VERSION}"
  build "${kube}" k8s.io/kubernetes/cmd/kube-apiserver "${ASSETS}/kube-apiserver" "$(ldflags)"
  if kubectl_on_path_fits; then
    log "using kubectl from PATH ($(command -v kubectl))"
    ln -sf "$(command -v kubectl)" "${ASSETS}/kubectl"
  else
    build "${kube}" k8s.io/kubernetes/cmd/kubectl "${ASSETS}/kubectl" "$(ldflags)"
  fi
}

# shellcheck source=hack/lib.sh
source "${ROOT}/hack/lib.sh"
ensure_built build_all
