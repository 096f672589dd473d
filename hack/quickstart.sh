#!/usr/bin/env bash
# Brings up kubearc on this machine, with no Docker and no internet: the hub (HTTPS on
# 127.0.0.1:8443, SQLite in .kubearc/hub), a local cluster (kube-apiserver + etcd as processes)
# with the arc.kubearc.io CRDs, connected to the hub by 'arcctl connectedk8s connect
# --local-agent' (the agent chart installed, the agent as a local process); arcctl is logged
# in to the hub. Ctrl-C stops everything. State lives in .kubearc/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE=.kubearc
KUBECONFIG_FILE="${STATE}/kubeconfig"
mkdir -p "${STATE}"
rm -f "${KUBECONFIG_FILE}"

assets="$(hack/envtest.sh)"
export KUBEBUILDER_ASSETS="${assets}"

CLUSTER=quickstart
AGENT_DIR="${STATE}/agents/${CLUSTER}"
pids=()
cleanup() {
  # The local agent runs detached from this script; its pid file says which process it is.
  [[ -f "${AGENT_DIR}/agent.pid" ]] && kill "$(cat "${AGENT_DIR}/agent.pid")" 2>/dev/null && rm -f "${AGENT_DIR}/agent.pid"
  kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true
}
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

# Connect the cluster as a user would: the agent key in the cluster, the cluster on the hub, the
# agent chart installed, and the agent (bin/kubearc-agent, beside bin/arcctl) started locally,
# since this cluster has no nodes to run its Deployment.
bin/arcctl connectedk8s connect --name "${CLUSTER}" --resource-group quickstart \
  --kubeconfig "${KUBECONFIG_FILE}" --local-agent --timeout 2m

cat <<MSG

kubearc is up:
  hub:      https://127.0.0.1:8443 (data in ${HUB_DIR}; admin token in ${HUB_DIR}/admin.token)
  arcctl:   KUBEARC_CONFIG=${KUBEARC_CONFIG} bin/arcctl connectedk8s list
  cluster:  ${KUBECONFIG_FILE}   (try: ${assets}/kubectl --kubeconfig ${KUBECONFIG_FILE} get arcconnections)
  agent:    a local process, log in ${AGENT_DIR}/agent.log, pid in ${AGENT_DIR}/agent.pid
Ctrl-C stops it.
MSG
wait -n "${pids[@]}"
