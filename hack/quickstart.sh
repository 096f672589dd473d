#!/usr/bin/env bash
# Brings up kubearc on this machine, with no Docker and no internet: a local cluster
# (kube-apiserver + etcd as processes), the arc.kubearc.io CRDs, a sample ArcConnection and the
# agent as a local process. Ctrl-C stops everything. State lives in .kubearc/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE=.kubearc
KUBECONFIG_FILE="${STATE}/kubeconfig"
mkdir -p "${STATE}"
rm -f "${KUBECONFIG_FILE}"

assets="$(hack/envtest.sh)"
export KUBEBUILDER_ASSETS="${assets}"
kubectl() { "${assets}/kubectl" --kubeconfig "${KUBECONFIG_FILE}" "$@"; }

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

go build -o bin/localcluster ./hack/localcluster
make --no-print-directory build
bin/localcluster --write-kubeconfig "${KUBECONFIG_FILE}" &
pids+=($!)
for _ in $(seq 120); do [[ -s "${KUBECONFIG_FILE}" ]] && break; sleep 0.5; done
[[ -s "${KUBECONFIG_FILE}" ]] || { echo "the local cluster did not come up" >&2; exit 1; }

kubectl create namespace kubearc-system --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -k config/samples

bin/kubearc-agent --kubeconfig "${KUBECONFIG_FILE}" --leader-election-namespace kubearc-system \
  --metrics-bind-address 127.0.0.1:18080 --health-probe-bind-address 127.0.0.1:18081 &
pids+=($!)

cat <<MSG

kubearc is up:
  cluster:  ${KUBECONFIG_FILE}   (try: ${assets}/kubectl --kubeconfig ${KUBECONFIG_FILE} get arcconnections)
  agent:    health on http://127.0.0.1:18081/healthz, metrics on http://127.0.0.1:18080/metrics
Ctrl-C stops it.
MSG
wait -n "${pids[@]}"
