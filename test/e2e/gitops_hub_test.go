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
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/kubearc/kubearc/internal/helm/helmtest"
)

// fluxType is the catalog's Flux extension type, which the hub adds with the first Flux
// configuration of a cluster.
const fluxType = "microsoft.flux"

// gitopsRun is the state the GitOps steps share: the repository and what arcctl printed.
type gitopsRun struct {
	url     string
	outputs []string
}

// arcctl runs arcctl and keeps its output for the canary scan.
func (g *gitopsRun) arcctl(e *env, args ...string) {
	e.t.Helper()
	g.outputs = append(g.outputs, e.arcctl(args...))
}

// fluxConfigDoc is what `arcctl k8s-configuration flux show -o json` prints (the ARM document).
type fluxConfigDoc struct {
	Name       string `json:"name"`
	SystemData struct {
		CreatedByType string `json:"createdByType"`
	} `json:"systemData"`
	Properties struct {
		ProvisioningState    string `json:"provisioningState"`
		ComplianceState      string `json:"complianceState"`
		SourceSyncedCommitID string `json:"sourceSyncedCommitId"`
		ErrorMessage         string `json:"errorMessage"`
		Statuses             []struct {
			Kind      string `json:"kind"`
			Name      string `json:"name"`
			AppliedBy *struct {
				Name string `json:"name"`
			} `json:"appliedBy"`
		} `json:"statuses"`
	} `json:"properties"`
}

// create creates the configuration with arcctl as a user would and waits until the hub
// shows it Compliant at commit.
func (g *gitopsRun) create(e *env, commit string) {
	g.arcctl(e, "k8s-configuration", "flux", "create", "-c", cluster, "-g", group, "-n", gitopsConfig,
		"--url", g.url, "--branch", "main", "--namespace", "flux-system", "--interval", "2s",
		"--kustomization", "name=app path=./app prune=true sync_interval=2s retry_interval=2s",
		"--https-user", gitopsUser, "--https-key", gitopsPasswordCanary, "--wait-timeout", "3m")
	e.waitFor("the ConfigMap from the repository", gitopsWait, func() error { return e.configMapValue(gitopsConfigMap, "one") })
	e.waitFor("Compliant at the first commit on the hub", gitopsWait, func() error {
		return g.expectHubCompliance(e, "Compliant", commit, "")
	})
	doc, err := g.show(e, gitopsConfig)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, s := range doc.Properties.Statuses {
		if s.Kind == "ConfigMap" && s.Name == gitopsConfigMap {
			if s.AppliedBy == nil || s.AppliedBy.Name != gitopsConfig+"-app" {
				e.t.Errorf("the hub says ConfigMap %s is applied by %+v, want the Kustomization %s-app", s.Name, s.AppliedBy, gitopsConfig)
			}
			return
		}
	}
	e.t.Errorf("the hub's statuses[] has no entry for ConfigMap %s: %+v", gitopsConfigMap, doc.Properties.Statuses)
}

// show runs `arcctl k8s-configuration flux show -o json`.
func (g *gitopsRun) show(e *env, name string) (*fluxConfigDoc, error) {
	out, err := e.run(e.t.Context(), "", filepath.Join(e.root, "bin", "arcctl"), "k8s-configuration", "flux", "show",
		"-c", cluster, "-g", group, "-n", name, "-o", "json")
	g.outputs = append(g.outputs, out)
	if err != nil {
		return nil, fmt.Errorf("flux show %s: %w: %s", name, err, out)
	}
	var doc fluxConfigDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return nil, fmt.Errorf("flux show -o json is not JSON: %w: %s", err, out)
	}
	return &doc, nil
}

// expectHubCompliance checks the hub's complianceState and sourceSyncedCommitId of the
// arcctl-created configuration, and that errorMessage mentions wantMessage (when set).
func (g *gitopsRun) expectHubCompliance(e *env, state, commit, wantMessage string) error {
	doc, err := g.show(e, gitopsConfig)
	if err != nil {
		return err
	}
	p := doc.Properties
	if p.ComplianceState != state || p.SourceSyncedCommitID != "main@sha1:"+commit || !strings.Contains(p.ErrorMessage, wantMessage) {
		return fmt.Errorf("the hub shows complianceState %q at %q (%q), want %q at main@sha1:%s mentioning %q", p.ComplianceState,
			p.SourceSyncedCommitID, p.ErrorMessage, state, commit, wantMessage)
	}
	return nil
}

// expectFluxExtension checks that the hub added the Flux extension and the agent installed
// it. Here its chart is a one-ConfigMap stand-in (serveFluxCatalog): Flux itself runs as
// processes.
func (g *gitopsRun) expectFluxExtension(e *env) {
	e.waitFor("the Flux extension added by the hub", gitopsWait, func() error {
		out, err := e.run(e.t.Context(), "", filepath.Join(e.root, "bin", "arcctl"), "k8s-extension", "show",
			"-c", cluster, "-g", group, "-n", "flux", "-o", "json")
		if err != nil {
			return fmt.Errorf("k8s-extension show flux: %w: %s", err, out)
		}
		var ext struct {
			Properties struct {
				ExtensionType     string `json:"extensionType"`
				ProvisioningState string `json:"provisioningState"`
			} `json:"properties"`
		}
		if err := json.Unmarshal([]byte(out), &ext); err != nil {
			return fmt.Errorf("k8s-extension show -o json: %w: %s", err, out)
		}
		if ext.Properties.ExtensionType != fluxType || ext.Properties.ProvisioningState != "Succeeded" {
			return fmt.Errorf("the hub shows extension flux as %+v, want type %s Succeeded", ext.Properties, fluxType)
		}
		return nil
	})
}

// clusterOwned applies a configuration with kubectl and checks that the hub lists it as
// created by the cluster, with its compliance, and refuses to delete it.
func (g *gitopsRun) clusterOwned(e *env) {
	e.kubectlOK("", "create", "secret", "generic", "local-protected", "-n", gitopsAgentNamespace,
		"--from-literal=httpsKey="+gitopsPasswordCanary)
	e.kubectlOK(localGitOpsManifest(g.url), "apply", "-f", "-")
	e.waitFor("the ConfigMap of the local configuration", gitopsWait, func() error { return e.configMapValue(localConfigMap, "local") })
	e.waitFor("the hub to list the local configuration as cluster-owned and Compliant", gitopsWait, func() error {
		out, err := e.run(e.t.Context(), "", filepath.Join(e.root, "bin", "arcctl"), "k8s-configuration", "flux", "list",
			"-c", cluster, "-g", group, "-o", "json")
		g.outputs = append(g.outputs, out)
		if err != nil {
			return fmt.Errorf("flux list: %w: %s", err, out)
		}
		var docs []fluxConfigDoc
		if err := json.Unmarshal([]byte(out), &docs); err != nil {
			return fmt.Errorf("flux list -o json: %w: %s", err, out)
		}
		for _, d := range docs {
			if d.Name == localConfig {
				if d.SystemData.CreatedByType != "Cluster" || d.Properties.ComplianceState != "Compliant" {
					return fmt.Errorf("the hub lists %s created by %q, %q; want Cluster, Compliant", d.Name, d.SystemData.CreatedByType, d.Properties.ComplianceState)
				}
				return nil
			}
		}
		return fmt.Errorf("the hub does not list %s: %s", localConfig, out)
	})
	out, err := e.run(e.t.Context(), "", filepath.Join(e.root, "bin", "arcctl"), "k8s-configuration", "flux", "delete",
		"-c", cluster, "-g", group, "-n", localConfig, "--yes")
	g.outputs = append(g.outputs, out)
	if err == nil || !strings.Contains(out, "created in the cluster") {
		e.t.Errorf("arcctl deleted a cluster-owned configuration or said something else: %v\n%s", err, out)
	}
}

// delete deletes the configuration with arcctl, which waits until the agent removed the Flux
// objects; Flux prunes what they applied and the hub no longer knows the configuration.
func (g *gitopsRun) delete(e *env) {
	// The Flux objects are there before, so their absence after means something.
	for kind, name := range map[string]string{"gitrepository": gitopsConfig, "kustomization": gitopsConfig + "-app"} {
		e.kubectlOK("", "get", kind, "-n", "flux-system", name)
	}
	g.arcctl(e, "k8s-configuration", "flux", "delete", "-c", cluster, "-g", group, "-n", gitopsConfig, "--yes", "--wait-timeout", "3m")
	e.waitFor("the ConfigMap pruned by Flux", gitopsWait, func() error { return e.configMapGone(gitopsConfigMap) })
	for _, kind := range []string{"gitrepositories.source.toolkit.fluxcd.io", "kustomizations.kustomize.toolkit.fluxcd.io", "gitopsconfigurations.arc.kubearc.io"} {
		out, err := e.kubectlRun("", "get", kind, "-A", "-o", "name")
		if err != nil {
			e.t.Fatalf("kubectl get %s: %v: %s", kind, err, out)
		}
		if strings.Contains(out, "/"+gitopsConfig+"\n") || strings.Contains(out, "/"+gitopsConfig+"-app") {
			e.t.Errorf("%s of the deleted configuration are still there:\n%s", kind, out)
		}
	}
	if _, err := g.show(e, gitopsConfig); err == nil || !strings.Contains(err.Error(), "ResourceNotFound") && !strings.Contains(err.Error(), "not found") {
		e.t.Errorf("the hub still shows the deleted configuration: %v", err)
	}
	if err := e.configMapValue(localConfigMap, "local"); err != nil {
		e.t.Errorf("deleting one configuration touched the other's workload: %v", err)
	}
}

// deleteLocal deletes the cluster-owned configuration with kubectl: Flux prunes its workload
// and the hub stops listing it.
func (g *gitopsRun) deleteLocal(e *env) {
	e.kubectlOK("", "delete", "gitopsconfiguration", "-n", gitopsAgentNamespace, localConfig, "--wait=true", "--timeout=2m")
	e.waitFor("the local ConfigMap pruned by Flux", gitopsWait, func() error { return e.configMapGone(localConfigMap) })
	e.waitFor("the hub to stop listing the local configuration", gitopsWait, func() error {
		_, err := g.show(e, localConfig)
		switch {
		case err == nil:
			return fmt.Errorf("the hub still shows %s", localConfig)
		case !strings.Contains(err.Error(), "ResourceNotFound") && !strings.Contains(err.Error(), "not found"):
			return fmt.Errorf("want not found: %w", err)
		}
		return nil
	})
}

// serveFluxCatalog writes a hub catalog whose Flux extension type is a one-ConfigMap chart
// served locally: the e2e machines have no internet, and Flux runs here as processes.
func (e *env) serveFluxCatalog() {
	e.t.Helper()
	url := e.serveCharts(helmtest.ConfigMapChart("flux", "2.16.2", false))
	e.writeCatalog(fmt.Sprintf(`  - name: %s
    aliases: [flux]
    description: A stand-in for Flux (one ConfigMap); the e2e runs Flux's controllers as processes.
    defaultScope: cluster
    defaultReleaseNamespace: flux-system
    chart: {repository: %q, name: flux}
    releaseTrains:
      - name: Stable
        versions: ["2.16.2"]
`, fluxType, url))
}
