#!/usr/bin/env bash
# Brings up kubearc on this machine, with no Docker and no internet: the hub (HTTPS on
# 127.0.0.1:8443, SQLite in .kubearc/hub), a local cluster (kube-apiserver + etcd as processes,
# three Node objects of 4 vCPU each) with the arc.kubearc.io CRDs, connected to the hub by
# 'arcctl connectedk8s connect --local-agent' (the agent chart installed, the agent as a local
# process); arcctl is logged in to the hub. With KUBECONFIG set to an existing cluster, that
# cluster is connected instead of a local one (the agent still runs here, since the cluster's
# pods could not reach a hub on 127.0.0.1).
#
#   hack/quickstart.sh        (make quickstart)       bring it up; Ctrl-C stops everything
#   hack/quickstart.sh down   (make quickstart-down)  stop what is left, disconnect, clean up
#
# State lives in .kubearc/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE=.kubearc
HUB_DIR="${STATE}/hub"
PIDS="${STATE}/quickstart.pids"
CLUSTER=quickstart
export KUBEARC_CONFIG="${STATE}/arcctl.yaml"

stop_processes() {
  local agent_pid="${STATE}/agents/${CLUSTER}/agent.pid"
  [[ -f "${agent_pid}" ]] && kill "$(cat "${agent_pid}")" 2>/dev/null && rm -f "${agent_pid}"
  [[ -f "${PIDS}" ]] && xargs -r kill 2>/dev/null < "${PIDS}" || true
  rm -f "${PIDS}"
}

down() {
  # A real cluster gets its agent removed while the hub still answers; a local one just stops.
  if [[ -s "${STATE}/external-kubeconfig" && -x bin/arcctl ]]; then
    bin/arcctl connectedk8s disconnect -n "${CLUSTER}" -g quickstart --yes \
      --kubeconfig "$(cat "${STATE}/external-kubeconfig")" || true
  fi
  stop_processes
  rm -rf "${STATE}"
  echo "kubearc quickstart stopped and cleaned up"
}

if [[ "${1:-up}" == down ]]; then
  down
  exit 0
fi

[[ -f "${PIDS}" ]] && stop_processes # a previous run that was killed
mkdir -p "${STATE}"
assets="$(hack/envtest.sh)"
export KUBEBUILDER_ASSETS="${assets}"
trap 'stop_processes; wait 2>/dev/null || true' EXIT INT TERM

start() { "$@" & echo $! >> "${PIDS}"; }

make --no-print-directory build charts

# The charts of this repository (make charts), served on 127.0.0.1 and named by the hub's
# catalog, so that extensions install without internet access: the built-in catalog with
# kubearc's chart repository replaced by the local one, plus the demo extension.
CHARTS_URL="http://127.0.0.1:8480"
go build -o "${STATE}/release" ./hack/release
start "${STATE}/release" serve-charts --dir bin/charts --listen 127.0.0.1:8480
demo_type="$(cat <<YAML
  - name: kubearc.demo
    description: A demo extension (charts/kubearc-demo) that installs a ConfigMap and a Secret.
    defaultScope: cluster
    defaultReleaseNamespace: demo
    chart: {repository: "${CHARTS_URL}", name: kubearc-demo}
    releaseTrains: [{name: Stable, versions: ["0.1.0"]}]
YAML
)"
sed "s#oci://ghcr.io/kubearc/charts#${CHARTS_URL}#" hub/catalog/default.yaml |
  awk -v demo="${demo_type}" '/^agent:/ { print demo } { print }' > "${STATE}/catalog.yaml"

start bin/kubearc-hub serve --listen 127.0.0.1:8443 --data-dir "${HUB_DIR}" --log-level warn --catalog "${STATE}/catalog.yaml"
for _ in $(seq 60); do [[ -s "${HUB_DIR}/admin.token" ]] && curl -sf --cacert "${HUB_DIR}/ca.crt" https://127.0.0.1:8443/readyz >/dev/null && break; sleep 0.5; done
bin/arcctl login --hub https://127.0.0.1:8443 --ca-file "${HUB_DIR}/ca.crt" --token - --subscription 00000000-0000-0000-0000-000000000000 < "${HUB_DIR}/admin.token"

if [[ -n "${KUBECONFIG:-}" && -f "${KUBECONFIG%%:*}" ]]; then
  KUBECONFIG_FILE="${KUBECONFIG%%:*}"
  echo "${KUBECONFIG_FILE}" > "${STATE}/external-kubeconfig"
else
  KUBECONFIG_FILE="${STATE}/kubeconfig"
  rm -f "${KUBECONFIG_FILE}" "${STATE}/external-kubeconfig"
  start bin/localcluster --write-kubeconfig "${KUBECONFIG_FILE}" --nodes 3
  for _ in $(seq 120); do [[ -s "${KUBECONFIG_FILE}" ]] && break; sleep 0.5; done
  [[ -s "${KUBECONFIG_FILE}" ]] || { echo "the local cluster did not come up" >&2; exit 1; }
fi

# Connect the cluster as a user would: the agent key in the cluster, the cluster on the hub, the
# agent chart installed, and the agent (bin/kubearc-agent, beside bin/arcctl) started locally.
bin/arcctl connectedk8s connect --name "${CLUSTER}" --resource-group quickstart \
  --kubeconfig "${KUBECONFIG_FILE}" --local-agent --timeout 2m
echo
bin/arcctl connectedk8s show --name "${CLUSTER}" --resource-group quickstart

# Cluster connect runs your requests as kubearc:token:<token name>, and the cluster's RBAC
# decides. In its own local cluster the quickstart lets the hub's admin token do everything,
# visibly; a real cluster's admin decides that (docs/cluster-connect.md).
if [[ ! -s "${STATE}/external-kubeconfig" ]]; then
  echo
  echo "+ kubectl create clusterrolebinding kubearc-quickstart-admin --clusterrole cluster-admin --user kubearc:token:admin"
  "${assets}/kubectl" --kubeconfig "${KUBECONFIG_FILE}" create clusterrolebinding kubearc-quickstart-admin \
    --clusterrole cluster-admin --user kubearc:token:admin
fi

cat <<MSG

kubearc is up:
  hub:      https://127.0.0.1:8443 (data in ${HUB_DIR}; admin token in ${HUB_DIR}/admin.token)
  arcctl:   KUBEARC_CONFIG=${KUBEARC_CONFIG} bin/arcctl connectedk8s list
  cluster:  ${KUBECONFIG_FILE}   (try: ${assets}/kubectl --kubeconfig ${KUBECONFIG_FILE} get arcconnections)
  agent:    a local process, log in ${STATE}/agents/${CLUSTER}/agent.log
Ctrl-C stops it; 'make quickstart-down' stops and cleans up from another terminal.
MSG
wait
