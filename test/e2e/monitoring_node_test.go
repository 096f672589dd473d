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
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/internal/otelcoltest"
)

// nodeName is the fake node's name, given to the collector as the downward API would.
const nodeName = "e2e-node"

// fakeNode is what a node gives the monitoring collector's pod: a pod log directory in the
// kubelet's layout, a kubelet serving /stats/summary (plain HTTP, authType none), the mounted
// token's directory and a free health-check port.
type fakeNode struct {
	dir, podLogs, credentials string
	kubeletURL, healthPort    string
	config                    string
	collector                 *otelcoltest.Collector
	lines                     int
}

// podLog is one container's log file of a pod in the fake node's log directory.
type podLog struct{ namespace, pod, uid, container string }

var (
	shopPod  = podLog{"shop", "web-7d9f", "0b6c3f6e-54a1-4f5c-9d64-1f0b1c2d3e4f", "app"}
	noisyPod = podLog{"noisy", "chatty-5c2", "7a1d2e3f-0000-4b5c-8d9e-aabbccddeeff", "app"}
)

func newFakeNode(t *testing.T) *fakeNode {
	t.Helper()
	dir := t.TempDir()
	n := &fakeNode{dir: dir, podLogs: filepath.Join(dir, "pods"), credentials: filepath.Join(dir, "credentials")}
	kubelet := httptest.NewServer(http.HandlerFunc(serveStatsSummary))
	t.Cleanup(kubelet.Close)
	n.kubeletURL = kubelet.URL
	_, n.healthPort, _ = net.SplitHostPort(otelcoltest.FreeAddr(t))
	for _, d := range []string{n.podLogs, n.credentials} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

func (n *fakeNode) writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// appendLine appends one CRI-format line to the pod's log file,
// <podLogs>/<namespace>_<pod>_<uid>/<container>/0.log, creating it as the kubelet does.
func (n *fakeNode) appendLine(t testing.TB, p podLog, text string) {
	t.Helper()
	dir := filepath.Join(n.podLogs, p.namespace+"_"+p.pod+"_"+p.uid, p.container)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "0.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if _, err := fmt.Fprintf(f, "%s stdout F %s\n", time.Now().UTC().Format(time.RFC3339Nano), text); err != nil {
		t.Fatal(err)
	}
}

// writeAndExpectLogs writes a line to both pods' logs and checks what the workspace has: a
// shop line with its namespace, pod, container and node, and nothing of the excluded noisy.
func (n *fakeNode) writeAndExpectLogs(e *env, ws *otelcoltest.Workspace) error {
	n.lines++
	n.appendLine(e.t, shopPod, fmt.Sprintf("shop line %d", n.lines))
	n.appendLine(e.t, noisyPod, fmt.Sprintf("noisy line %d", n.lines))
	got, err := ws.Received()
	if err != nil {
		return err
	}
	expectNothingOf(e, got, noisyPod.namespace)
	for _, r := range got {
		if !strings.HasPrefix(r.Body, "shop line ") {
			continue
		}
		want := map[string]string{"k8s.namespace.name": shopPod.namespace, "k8s.pod.name": shopPod.pod,
			"k8s.container.name": shopPod.container, "k8s.node.name": nodeName}
		for k, v := range want {
			if r.Resource[k] != v {
				e.t.Fatalf("the workspace got %q with %s=%q, want %q (all: %v)", r.Body, k, r.Resource[k], v, r.Resource)
			}
		}
		return nil
	}
	return fmt.Errorf("no shop line among the %d records the workspace got", len(got))
}

// expectMetrics checks that the workspace has the fake kubelet's node and shop pod metrics,
// and nothing of the excluded noisy namespace.
func expectMetrics(e *env, ws *otelcoltest.Workspace) error {
	got, err := ws.Received()
	if err != nil {
		return err
	}
	expectNothingOf(e, got, noisyPod.namespace)
	var node, pod bool
	for _, r := range got {
		node = node || strings.HasPrefix(r.Metric, "k8s.node.memory.") && r.Resource["k8s.node.name"] == nodeName
		pod = pod || strings.HasPrefix(r.Metric, "k8s.pod.memory.") &&
			r.Resource["k8s.namespace.name"] == shopPod.namespace && r.Resource["k8s.pod.name"] == shopPod.pod
	}
	if !node || !pod {
		return fmt.Errorf("node metrics %v, shop pod metrics %v among %d records", node, pod, len(got))
	}
	return nil
}

// expectNothingOf fails the test when a record of the namespace, or a line of its pod,
// reached the workspace.
func expectNothingOf(e *env, got []otelcoltest.Record, namespace string) {
	for _, r := range got {
		if r.Resource["k8s.namespace.name"] == namespace || strings.HasPrefix(r.Body, namespace+" line ") {
			e.t.Fatalf("the workspace got data of the excluded namespace %s: %+v", namespace, r)
		}
	}
}

// serveStatsSummary answers as a kubelet's /stats/summary: the node, and one pod with one
// container in each of shop and noisy.
func serveStatsSummary(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/stats/summary" {
		http.NotFound(w, r)
		return
	}
	now := time.Now().UTC().Format(time.RFC3339)
	usage := fmt.Sprintf(`"cpu": {"time": %q, "usageNanoCores": 2000000, "usageCoreNanoSeconds": 9000000000},
		"memory": {"time": %q, "usageBytes": 8388608, "workingSetBytes": 4194304, "rssBytes": 2097152}`, now, now)
	pod := func(p podLog) string {
		return fmt.Sprintf(`{"podRef": {"name": %q, "namespace": %q, "uid": %q}, "startTime": %q,
			"containers": [{"name": %q, "startTime": %q, %s}], %s}`, p.pod, p.namespace, p.uid, now, p.container, now, usage, usage)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"node": {"nodeName": %q, "startTime": %q, %s}, "pods": [%s, %s]}`,
		nodeName, now, usage, pod(shopPod), pod(noisyPod))
}
