//go:build e2e

// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// proxyUser is who the hub's admin token is in the cluster: kubearc:token:<token name>.
const proxyUser = "kubearc:token:admin"

// clusterConnect reaches the cluster's API server with the real kubectl through
// `arcctl connectedk8s proxy`, the hub and the agent's tunnel: the cluster's RBAC decides
// what the hub's user may do.
func (e *env) clusterConnect() {
	e.t.Helper()
	kubeconfig := filepath.Join(e.dir, "proxy-kubeconfig")
	e.start("arcctl-proxy", "connectedk8s", "proxy", "-n", cluster, "-g", group, "--port", "0", "--file", kubeconfig)
	defer e.stop("arcctl-proxy")
	viaHub := func(args ...string) (string, error) {
		ctx := e.t.Context()
		return e.run(ctx, "", e.kubectl, append([]string{"--kubeconfig", kubeconfig, "--context", cluster}, args...)...)
	}
	e.waitFor("the cluster's answer through the tunnel", 2*time.Minute, func() error {
		out, err := viaHub("get", "namespaces")
		if err == nil || !strings.Contains(out, "forbidden") || !strings.Contains(out, proxyUser) {
			return fmt.Errorf("want the cluster to refuse %s without a binding; kubectl said: %w: %s", proxyUser, err, out)
		}
		return nil
	})
	// Not the built-in view role: its rules come from aggregation, which needs a controller
	// manager the local control plane does not run.
	e.kubectlOK("", "create", "clusterrole", "e2e-namespace-reader", "--verb", "get,list,watch", "--resource", "namespaces")
	e.kubectlOK("", "create", "clusterrolebinding", "e2e-proxy-namespaces", "--clusterrole", "e2e-namespace-reader", "--user", proxyUser)
	e.waitFor("namespaces through the hub", time.Minute, func() error {
		out, err := viaHub("get", "namespaces", "-o", "name")
		if err != nil || !strings.Contains(out, "namespace/kubearc-system") {
			return fmt.Errorf("%w: %s", err, out)
		}
		return nil
	})
	if out, err := viaHub("create", "configmap", "not-allowed"); err == nil || !strings.Contains(out, "forbidden") {
		e.t.Errorf("a namespace-reader binding let %s create a ConfigMap: %v: %s", proxyUser, err, out)
	}
}
