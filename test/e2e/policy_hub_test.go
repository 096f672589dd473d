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
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/policyinsights/armpolicyinsights"

	"github.com/kubearc/kubearc/internal/helm/helmtest"
)

// gatekeeperType is the catalog's Gatekeeper extension type, which the hub adds for the
// first assignment that reaches a cluster.
const gatekeeperType = "gatekeeper"

// serveGatekeeperCatalog writes a hub catalog whose Gatekeeper extension type is a
// one-ConfigMap chart served locally: the e2e runs Gatekeeper itself as a process.
func (e *env) serveGatekeeperCatalog() {
	e.t.Helper()
	url := e.serveCharts(helmtest.ConfigMapChart("gatekeeper", "3.17.1", false))
	e.writeCatalog(fmt.Sprintf(`  - name: %s
    description: A stand-in for Gatekeeper (one ConfigMap); the e2e runs Gatekeeper as a process.
    defaultScope: cluster
    defaultReleaseNamespace: gatekeeper-system
    chart: {repository: %q, name: gatekeeper}
    releaseTrains:
      - name: Stable
        versions: ["3.17.1"]
`, gatekeeperType, url))
}

// policyStates are the cluster's policy states as `arcctl policy state list -o json` shows
// them, keyed by assignment name.
func (e *env) policyStates() (map[string]map[string]any, error) {
	out, err := e.run(e.t.Context(), "", filepath.Join(e.root, "bin", "arcctl"), "policy", "state", "list",
		"--resource", clusterScope(), "-o", "json")
	if err != nil {
		return nil, fmt.Errorf("policy state list: %w: %s", err, out)
	}
	var states []map[string]any
	if err := json.Unmarshal([]byte(out), &states); err != nil {
		return nil, fmt.Errorf("policy state list -o json: %w: %s", err, out)
	}
	byName := map[string]map[string]any{}
	for _, s := range states {
		name, _ := s["policyAssignmentName"].(string)
		byName[name] = s
	}
	return byName, nil
}

// expectPolicyState checks the cluster's state for an assignment.
func (e *env) expectPolicyState(assignment, want string) error {
	states, err := e.policyStates()
	if err != nil {
		return err
	}
	if got := states[assignment]["complianceState"]; got != want {
		return fmt.Errorf("assignment %s is %v on the hub, want %s (states: %v)", assignment, got, want, states)
	}
	return nil
}

// expectPolicyError checks that an assignment's state is Error with a reason containing text.
func (e *env) expectPolicyError(assignment, text string) error {
	states, err := e.policyStates()
	if err != nil {
		return err
	}
	s := states[assignment]
	if reason, _ := s["complianceReason"].(string); s["complianceState"] != "Error" || !strings.Contains(reason, text) {
		return fmt.Errorf("assignment %s on the hub: %v, want Error with %q", assignment, s, text)
	}
	return nil
}

// expectComponent checks a Kubernetes object's state for an assignment with the Azure SDK's
// ComponentPolicyStates client, as a user's tool would read it.
func (e *env) expectComponent(assignment, componentID, want string) error {
	c, err := e.componentClient()
	if err != nil {
		return err
	}
	res, err := c.ListQueryResultsForResource(e.t.Context(), clusterScope(),
		armpolicyinsights.ComponentPolicyStatesResourceLatest, nil)
	if err != nil {
		return err
	}
	var seen []string
	for _, s := range res.Value {
		if s.PolicyAssignmentName == nil || s.ComponentID == nil || s.ComplianceState == nil {
			continue
		}
		seen = append(seen, *s.PolicyAssignmentName+":"+*s.ComponentID+"="+*s.ComplianceState)
		if *s.PolicyAssignmentName == assignment && *s.ComponentID == componentID && *s.ComplianceState == want {
			return nil
		}
	}
	return fmt.Errorf("no component %s %s for %s on the hub: %v", componentID, want, assignment, seen)
}

// componentClient is armpolicyinsights' client pointed at the hub, as the admin.
func (e *env) componentClient() (*armpolicyinsights.ComponentPolicyStatesClient, error) {
	dataDir := filepath.Join(e.dir, "hub-data")
	token, err := os.ReadFile(filepath.Join(dataDir, "admin.token"))
	if err != nil {
		return nil, err
	}
	caPEM, err := os.ReadFile(filepath.Join(dataDir, "ca.crt"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	opts := &arm.ClientOptions{ClientOptions: policy.ClientOptions{
		Cloud: cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: e.hub, Audience: e.hub}}},
		Transport: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}},
	}, DisableRPRegistration: true}
	return armpolicyinsights.NewComponentPolicyStatesClient(bearer(strings.TrimSpace(string(token))), opts)
}

// bearer hands the hub's token to the Azure SDK.
type bearer string

func (b bearer) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(b), ExpiresOn: time.Now().Add(time.Hour)}, nil
}
