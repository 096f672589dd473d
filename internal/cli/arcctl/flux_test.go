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
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// fluxAgent plays the GitOps side of a cluster's agent, beside fakeAgent (which installs the
// Flux extension): it reports each new GitOpsConfiguration spec applied and Compliant, or
// failed when a kustomization's path contains "fail", and each one that left the desired
// state deleted.
type fluxAgent struct {
	t        *testing.T
	agent    *fakeAgent
	mu       sync.Mutex
	reported map[string]string
	specs    map[string]protocol.GitOpsConfigurationSpec
}

func startFluxAgent(t *testing.T, agent *fakeAgent) *fluxAgent {
	f := &fluxAgent{t: t, agent: agent, reported: map[string]string{}, specs: map[string]protocol.GitOpsConfigurationSpec{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if err := f.sync(ctx); err != nil && ctx.Err() == nil {
				t.Errorf("fake GitOps agent: %v", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return f
}

func (f *fluxAgent) sync(ctx context.Context) error {
	state, err := f.agent.hub.DesiredState(ctx)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	report, err := fakeReports[protocol.GitOpsConfigurationSpec]{kind: protocol.KindGitOpsConfiguration, reported: f.reported, specs: f.specs, status: fluxReport,
		deleted: protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningDeleted}}.of(state)
	if err != nil {
		return err
	}
	if len(report) == 0 {
		return nil
	}
	return f.agent.hub.ReportStatus(ctx, report)
}

func fluxReport(obj protocol.DesiredObject, spec protocol.GitOpsConfigurationSpec) protocol.ObjectStatus {
	st := protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningSucceeded, ComplianceState: protocol.ComplianceCompliant,
		SourceSyncedCommitID: "main@sha1:4f2a9c", SourceUpdatedAt: "2026-11-23T10:00:00Z"}
	if spec.Suspend {
		st.ComplianceState = protocol.ComplianceSuspended
	}
	for name, k := range spec.Kustomizations {
		cs := protocol.ComplianceCompliant
		if strings.Contains(k.Path, "fail") {
			cs = protocol.ComplianceNonCompliant
			st.ProvisioningState, st.ComplianceState = protocol.ProvisioningFailed, protocol.ComplianceNonCompliant
			st.ErrorMessage = fmt.Sprintf("kustomization %s: path %s not found", name, k.Path)
		}
		st.Statuses = append(st.Statuses, protocol.FluxObjectStatus{Kind: "Kustomization", Name: obj.Name + "-" + name,
			Namespace: spec.Namespace, ComplianceState: cs, StatusConditions: []protocol.Condition{{Type: "Ready", Status: "True", Message: "Applied revision: main@sha1:4f2a9c"}}})
	}
	raw, _ := json.Marshal(st)
	return protocol.ObjectStatus{Kind: protocol.KindGitOpsConfiguration, Name: obj.Name, ObservedResourceVersion: obj.ResourceVersion, Status: raw}
}

func (f *fluxAgent) spec(name string) protocol.GitOpsConfigurationSpec {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.specs[name]
}

// flux is the common arguments naming Flux configuration name on cluster store-042.
func flux(verb, name string, args ...string) []string {
	return append([]string{"k8s-configuration", "flux", verb, "-c", "store-042", "-g", testGroup, "-n", name}, args...)
}

// kustomization is the common arguments naming kustomization k of Flux configuration
// cluster-config on cluster store-042.
func kustomization(verb, k string, args ...string) []string {
	return append([]string{"k8s-configuration", "flux", "kustomization", verb, "-c", "store-042", "-g", testGroup, "-n", "cluster-config", "-k", k}, args...)
}

func TestFluxConfigurationLifecycle(t *testing.T) {
	const canaryKey, canaryPassword = "canary-ssh-key-Qm71", "canary-https-pw-Xv02"
	h := startHub(t)
	agent := h.startClusterWithAgent()
	gitops := startFluxAgent(t, agent)
	u := &recorder{user: newUser(t)}
	u.login(h, h.AdminToken)
	keyPEM := "-----BEGIN OPENSSH PRIVATE KEY-----\n" + canaryKey + "\n-----END OPENSSH PRIVATE KEY-----\n"
	keyFile := writeFile(t, "id_ed25519", keyPEM)
	hostsFile := writeFile(t, "known_hosts", "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\n")

	r := u.mustRun(flux("create", "cluster-config", "--url", "git@github.com:org/fleet.git", "--branch", "main",
		"--ssh-private-key-file", keyFile, "--known-hosts-file", hostsFile, "--interval", "5m",
		"--kustomization", "name=infra", "path=./infrastructure", "prune=true",
		"--kustomization", "name=apps", "path=./apps/staging", `depends_on=["infra"]`, "sync_interval=2m")...)
	wantLines(t, r.stderr, `^Creating Flux configuration 'cluster-config' on the hub… done$`,
		`^Waiting for the agent to apply Flux configuration 'cluster-config'…$`,
		`^Flux configuration 'cluster-config' is applied: compliance Compliant at main@sha1:4f2a9c\.$`)
	wantLines(t, r.stdout, `^Name:\s+cluster-config$`, `^Cluster:\s+store-042$`, `^URL:\s+git@github\.com:org/fleet\.git$`,
		`^Reference:\s+branch main$`, `^Sync interval:\s+5m0s$`, `^Provisioning state:\s+Succeeded$`, `^Compliance state:\s+Compliant$`,
		`^Synced commit:\s+main@sha1:4f2a9c$`, `^apps\s+\./apps/staging\s+infra\s+2m0s\s+10m0s\s+-\s+false\s+false\s+true$`,
		`^infra\s+\./infrastructure\s+-\s+10m0s\s+10m0s\s+-\s+true\s+false\s+true$`,
		`^Kustomization\s+default\s+cluster-config-apps\s+Compliant\s+Applied revision: main@sha1:4f2a9c$`)
	spec := gitops.spec("cluster-config")
	if spec.GitRepository == nil || spec.GitRepository.URL != "ssh://git@github.com/org/fleet.git" || spec.ProtectedSettings == "" ||
		strings.Contains(spec.ProtectedSettings, canaryKey) || spec.Kustomizations["apps"].DependsOn[0] != "infra" {
		t.Errorf("the agent received %+v", spec)
	}
	// The first configuration brought the Flux extension, which the agent installed.
	wantLines(t, u.mustRun("k8s-extension", "list", "-c", "store-042", "-g", testGroup).stdout,
		`^flux\s+microsoft\.flux\s+\S+\s+Stable\s+true\s+cluster\s+flux-system\s+Succeeded$`)

	var shown map[string]any
	if err := json.Unmarshal([]byte(u.mustRun(flux("show", "cluster-config", "-o", "json")...).stdout), &shown); err != nil {
		t.Fatalf("show -o json is not JSON: %v", err)
	}
	props, _ := shown["properties"].(map[string]any)
	if props["complianceState"] != "Compliant" || props["sourceSyncedCommitId"] != "main@sha1:4f2a9c" {
		t.Errorf("show -o json properties = %v", props)
	}
	if _, ok := props["configurationProtectedSettings"]; ok {
		t.Errorf("show -o json has configurationProtectedSettings: %v", props)
	}
	wantLines(t, u.mustRun("k8s-configuration", "flux", "list", "-c", "store-042", "-g", testGroup).stdout,
		`^NAME\s+NAMESPACE\s+SCOPE\s+URL\s+REFERENCE\s+STATE\s+COMPLIANCE\s+COMMIT$`,
		`^cluster-config\s+default\s+cluster\s+git@github\.com:org/fleet\.git\s+branch main\s+Succeeded\s+Compliant\s+main@sha1:4f2a9c$`)

	r = u.mustRun(flux("update", "cluster-config", "--tag", "v1.2.0", "--suspend=true")...)
	wantLines(t, r.stderr, `^Updating Flux configuration 'cluster-config' on the hub… done$`,
		`^Flux configuration 'cluster-config' is applied: compliance Suspended at main@sha1:4f2a9c\.$`)
	wantLines(t, r.stdout, `^Reference:\s+tag v1\.2\.0$`, `^Suspended:\s+true$`)
	if s := gitops.spec("cluster-config"); s.GitRepository.RepositoryRef.Tag != "v1.2.0" || s.GitRepository.RepositoryRef.Branch != "" || !s.Suspend {
		t.Errorf("after the update the agent received %+v", s.GitRepository.RepositoryRef)
	}

	u.mustRun(kustomization("create", "monitoring", "--path", "./monitoring", "--depends-on", "infra", "--prune")...)
	wantLines(t, u.mustRun(kustomization("show", "monitoring")...).stdout, `^monitoring\s+\./monitoring\s+infra\s+.*\s+true\s+false\s+true$`)
	wantFailure(t, u.run(kustomization("create", "monitoring", "--path", "./x")...), "already exists")
	u.mustRun(kustomization("update", "monitoring", "--prune=false", "--interval", "1m")...)
	wantLines(t, u.mustRun("k8s-configuration", "flux", "kustomization", "list", "-c", "store-042", "-g", testGroup, "-n", "cluster-config").stdout,
		`^monitoring\s+\./monitoring\s+infra\s+1m0s\s+.*\s+false\s+false\s+true$`, `^apps\s+`, `^infra\s+`)
	wantFailure(t, u.run(kustomization("create", "loop", "--depends-on", "loop")...), "The kustomization 'loop' depends on itself")
	u.mustRun(kustomization("delete", "monitoring", "--yes")...)
	wantFailure(t, u.run(kustomization("show", "monitoring")...), "has no kustomization 'monitoring'")

	r = u.run(flux("update", "cluster-config", "--kustomization", "name=apps", "path=./apps/fail")...)
	wantFailure(t, r, "the agent could not apply Flux configuration 'cluster-config': kustomization apps: path ./apps/fail not found")

	r = u.mustRun(flux("delete", "cluster-config", "--yes")...)
	wantLines(t, r.stderr, `^Deleting Flux configuration 'cluster-config' on the hub… done$`, `^Waiting for the agent to remove Flux configuration 'cluster-config'…$`)
	if r.stdout != "Deleted Flux configuration 'cluster-config' of connected cluster 'store-042' in resource group 'edge-eu'.\n" {
		t.Errorf("delete printed %q", r.stdout)
	}
	wantFailure(t, u.run(flux("show", "cluster-config")...), "Error: (ResourceNotFound)")

	// HTTPS credentials, --no-wait and a forced delete.
	r = u.mustRun(flux("create", "private", "--url", "https://git.example.com/org/private", "--branch", "main",
		"--https-user", "bob", "--https-key", canaryPassword, "--no-wait")...)
	wantLines(t, r.stdout, `^HTTPS user:\s+bob$`)
	wantFailure(t, u.run(flux("update", "private", "--ssh-private-key-file", keyFile)...), "'sshPrivateKey' needs an ssh://")
	wantFailure(t, u.run(flux("create", "bad", "--url", "https://h/org/r", "--branch", "main", "--ssh-private-key-file", keyFile)...),
		"(InvalidParameter) The protected setting 'sshPrivateKey' needs an ssh://")
	r = u.mustRun(flux("delete", "private", "--yes", "--force")...)
	if !strings.Contains(r.stdout, "Deleted Flux configuration 'private'") {
		t.Errorf("forced delete printed %q", r.stdout)
	}
	if r := u.run("k8s-configuration", "flux", "list", "-c", "store-042", "-g", testGroup); r.code != 0 || !strings.Contains(r.stderr, "has no Flux configurations") {
		t.Errorf("list of none:\n%s", r)
	}
	u.wantNoSecrets(canaryKey, canaryPassword, base64.StdEncoding.EncodeToString([]byte(canaryPassword)),
		base64.StdEncoding.EncodeToString([]byte(keyPEM)))
	if len(u.outputs) < 40 {
		t.Errorf("only %d outputs were scanned", len(u.outputs))
	}
}
