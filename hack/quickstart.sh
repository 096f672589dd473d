#!/usr/bin/env bash
# Brings up kubearc on this machine, with no Docker and no internet: the hub (HTTPS on
# 127.0.0.1:8443, SQLite in .kubearc/hub), a local cluster (kube-apiserver + etcd as processes)
# with the arc.kubearc.io CRDs and a sample ArcConnection, and the agent as a local process;
# arcctl is logged in to the hub. Ctrl-C stops everything. State lives in .kubearc/.
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

HUB_DIR="${STATE}/hub"
bin/kubearc-hub serve --listen 127.0.0.1:8443 --data-dir "${HUB_DIR}" --log-level warn &
pids+=($!)
for _ in $(seq 60); do [[ -s "${HUB_DIR}/admin.token" ]] && curl -sf --cacert "${HUB_DIR}/ca.crt" https://127.0.0.1:8443/readyz >/dev/null && break; sleep 0.5; done
export KUBEARC_CONFIG="${STATE}/arcctl.yaml"
bin/arcctl login --hub https://127.0.0.1:8443 --ca-file "${HUB_DIR}/ca.crt" --token - --subscription 00000000-0000-0000-0000-000000000000 < "${HUB_DIR}/admin.token"

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
  hub:      https://127.0.0.1:8443 (data in ${HUB_DIR}; admin token in ${HUB_DIR}/admin.token)
  arcctl:   KUBEARC_CONFIG=${KUBEARC_CONFIG} bin/arcctl connectedk8s list
  cluster:  ${KUBECONFIG_FILE}   (try: ${assets}/kubectl --kubeconfig ${KUBECONFIG_FILE} get arcconnections)
  agent:    health on http://127.0.0.1:18081/healthz, metrics on http://127.0.0.1:18080/metrics
Ctrl-C stops it.
MSG
wait -n "${pids[@]}"
