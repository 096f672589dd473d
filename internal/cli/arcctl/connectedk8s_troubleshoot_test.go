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

package arcctl_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// canary stands for a protected setting: it must appear in no file of a bundle.
const canary = "canary-4f1d9c7e-protected"

// TestTroubleshootBundleThroughTheTunnel collects a bundle of a real cluster (envtest with
// kubearc's CRDs) through a real hub and agent tunnel, as a Reader of the hub whom the
// cluster's RBAC lets read kubearc-system but its deployments.
func TestTroubleshootBundleThroughTheTunnel(t *testing.T) {
	env, cfg, err := tunneltest.StartEnvironment(&envtest.Environment{
		CRDDirectoryPaths: []string{tunneltest.RepoFile("config/crd/bases")}, ErrorIfCRDPathMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	h := startHub(t)
	id, agent := startTunnel(t, h, cfg, "troubled")
	seedCluster(t, cfg, id)
	shipCanaryLog(t, agent)
	sendCanaryChecks(t, agent)
	token := readerToken(t, h, "alice")
	u := newUser(t)
	u.login(h, token)

	archive := filepath.Join(t.TempDir(), "bundle.tar.gz")
	eventually(t, "the tunnel is up", func() error {
		_, err := discovery.NewDiscoveryClientForConfigOrDie(tunneltest.UserConfig(h.Hub, id, token)).ServerVersion()
		return err
	})
	r := u.run("connectedk8s", "troubleshoot", "-n", id.Name, "-g", id.ResourceGroup, "--output", archive, "--since", "2h")
	if r.code != 0 {
		t.Fatalf("troubleshoot failed:\n%s", r)
	}
	files, names := readArchive(t, archive)
	wantFiles := []string{"summary.txt", "hub/connectedcluster.json", "hub/usage.json", "hub/agent-logs.json",
		"hub/connectivity-checks.json",
		"cluster/version.json",
		"cluster/arc.kubearc.io/arcconnections.json", "cluster/arc.kubearc.io/customlocations.json",
		"cluster/arc.kubearc.io/extensions.json", "cluster/arc.kubearc.io/gitopsconfigurations.json",
		"cluster/arc.kubearc.io/policysyncs.json",
		"cluster/kubearc-system/events.json", "cluster/kubearc-system/pods.json", "cluster/kubearc-system/services.json",
		"cluster/kubearc-system/configmaps.json", "cluster/kubearc-system/secrets.json"}
	if !slices.Equal(names, wantFiles) {
		t.Errorf("archive files\n got %q\nwant %q", names, wantFiles)
	}
	for name, data := range files {
		if strings.Contains(data, canary) {
			t.Errorf("%s holds the canary:\n%s", name, data)
		}
	}
	wantContains(t, files["hub/connectedcluster.json"], `"name": "troubled"`)
	wantContains(t, files["hub/agent-logs.json"], "Applying the extension settings")
	wantContains(t, files["cluster/arc.kubearc.io/arcconnections.json"], `"connectivityStatus": "Connected"`,
		`"name": "ClockSkew"`, `"result": "Warning"`)
	wantContains(t, files["hub/connectivity-checks.json"], `"name": "DNS"`, `"result": "Failed"`, `"receivedAt": "`)
	wantContains(t, files["cluster/arc.kubearc.io/extensions.json"], `"name": "monitoring"`)
	wantContains(t, files["cluster/kubearc-system/configmaps.json"], `"password": "[REDACTED]"`, `"mode": "verbose"`)
	wantContains(t, files["cluster/kubearc-system/secrets.json"], `"name": "settings"`, `"type": "Opaque"`)
	wantContains(t, files["summary.txt"], "kubearc troubleshoot bundle of "+id.String(),
		"Refused", "deployments in kubearc-system: deployments.apps is forbidden",
		"Failed:\n  - the log of container agent of pod agent-0: ",
		"through the cluster-connect tunnel",
		"Connectivity checks (run by the agent, received by the hub ", "  - DNS: Failed: hub.example.com does not resolve",
		"  - TCP: Passed: ")
	wantContains(t, r.stderr, "Collecting the connectedCluster resource\n", "Collecting the log of container agent of pod agent-0\n",
		"Collecting the agent's connectivity checks from the hub\n",
		"The agent's connectivity checks that did not pass (see hub/connectivity-checks.json):\n  DNS Failed: hub.example.com does not resolve")
	if strings.Contains(r.stderr, canary) || strings.Contains(r.stderr, "TCP Passed") {
		t.Errorf("troubleshoot printed the canary or a check that passed:\n%s", r.stderr)
	}
}

// TestTroubleshootErrors checks the errors for a missing cluster and an unreachable hub.
func TestTroubleshootErrors(t *testing.T) {
	h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	u := newUser(t)
	u.mustRun("login", "--hub", h.URL, "--ca-file", h.CAFile, "--token", h.AdminToken, "--subscription", testSub)
	wantFailure(t, u.run("connectedk8s", "troubleshoot", "-n", "nowhere", "-g", testGroup, "--output", filepath.Join(t.TempDir(), "b.tar.gz")),
		"connected cluster 'nowhere' not found in resource group 'edge-eu'")
	for _, since := range []string{"0", "-5m"} {
		archive := filepath.Join(t.TempDir(), "b.tar.gz")
		wantFailure(t, u.run("connectedk8s", "troubleshoot", "-n", "nowhere", "-g", testGroup, "--output", archive, "--since", since),
			"invalid --since", "give a positive duration")
		if _, err := os.Stat(archive); !os.IsNotExist(err) {
			t.Errorf("--since %s wrote an archive (%v)", since, err)
		}
	}
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	wantFailure(t, u.run("connectedk8s", "troubleshoot", "-n", "nowhere", "-g", testGroup),
		"the hub at "+h.URL+" could not be reached")
}

// seedCluster creates what the agent would have in kubearc-system, with the canary in a
// Secret and in a ConfigMap key named password, and lets alice read it all but deployments.
func seedCluster(t *testing.T, cfg *rest.Config, id armid.ClusterID) {
	t.Helper()
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = arcv1alpha1.AddToScheme(scheme)
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	ns := "kubearc-system"
	conn := &arcv1alpha1.ArcConnection{ObjectMeta: metav1.ObjectMeta{Name: arcv1alpha1.ArcConnectionName},
		Spec: arcv1alpha1.ArcConnectionSpec{HubURL: "https://hub.example.com", ResourceID: id.String()}}
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
		conn,
		&arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Name: "monitoring", Namespace: ns},
			Spec: arcv1alpha1.ExtensionSpec{ExtensionType: "example.monitoring", Version: "1.0.0",
				Chart: arcv1alpha1.ChartReference{Repository: "https://charts.example.com", Name: "monitoring", Version: "1.0.0"}}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: ns}, StringData: map[string]string{"apiKey": canary}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: ns}, Data: map[string]string{"password": canary, "mode": "verbose"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "agent-0", Namespace: ns},
			// A node with no kubelet: its container logs cannot be read, as in envtest.
			Spec: corev1.PodSpec{NodeName: "node-without-kubelet", Containers: []corev1.Container{{Name: "agent", Image: "kubearc/agent"}}}},
		&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "kubearc-reader"}, Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{arcv1alpha1.GroupVersion.Group}, Resources: []string{"*"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{""}, Resources: []string{"events", "pods", "pods/log", "services", "configmaps", "secrets"}, Verbs: []string{"get", "list"}},
		}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "kubearc-reader"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "kubearc-reader"},
			Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "kubearc:token:alice"}}},
	}
	for _, obj := range objs {
		if err := c.Create(t.Context(), obj); err != nil {
			t.Fatal(err)
		}
	}
	conn.Status.ConnectivityStatus = arcv1alpha1.ConnectivityConnected
	conn.Status.ConnectivityChecks = []arcv1alpha1.ConnectivityCheck{{Name: protocol.CheckClockSkew, Result: protocol.CheckWarning,
		Message: "The agent's clock is 45s behind the hub's", Time: metav1.Now()}}
	if err := c.Status().Update(t.Context(), conn); err != nil {
		t.Fatal(err)
	}
}

// shipCanaryLog ships, as the agent, a log line holding the canary where the agent's own
// redaction would have caught it: the hub keeps what it is sent.
func shipCanaryLog(t *testing.T, agent *tunneltest.Agent) {
	t.Helper()
	line := protocol.LogLine{Time: time.Now(), Level: protocol.LogLevelInfo, Logger: "extensions",
		Message: "Applying the extension settings password=" + canary,
		Fields:  []byte(`{"configurationProtectedSettings":{"workspaceKey":"` + canary + `"}}`)}
	if err := agent.Hub.SendLogs(t.Context(), protocol.LogBatch{Lines: []protocol.LogLine{line}}); err != nil {
		t.Fatal(err)
	}
}

// sendCanaryChecks sends, as the agent, connectivity checks with a failed DNS check whose
// message holds the canary as a proxy's password, where the agent's own redaction would have
// removed it.
func sendCanaryChecks(t *testing.T, agent *tunneltest.Agent) {
	t.Helper()
	now := time.Now().UTC()
	checks := protocol.ConnectivityChecks{Checks: []protocol.ConnectivityCheck{
		{Name: protocol.CheckDNS, Result: protocol.CheckFailed, Time: now,
			Message: "hub.example.com does not resolve through http://alice:" + canary + "@proxy:3128; check the cluster's DNS"},
		{Name: protocol.CheckTCP, Result: protocol.CheckPassed, Message: "Connected to the hub", Time: now},
	}}
	if err := agent.Hub.SendConnectivityChecks(t.Context(), checks); err != nil {
		t.Fatal(err)
	}
}

// readArchive returns the files of a .tar.gz by name, and their names in order.
func readArchive(t *testing.T, path string) (map[string]string, []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	files, order := map[string]string{}, []string{}
	for tr := tar.NewReader(gz); ; {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[hdr.Name], order = string(data), append(order, hdr.Name)
	}
	return files, order
}

func wantContains(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q in:\n%s", w, text)
		}
	}
}
