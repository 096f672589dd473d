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

package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// locationBody is a custom location's PUT body on host with extra properties.
func locationBody(host string, props map[string]any) map[string]any {
	p := map[string]any{"hostResourceId": host}
	for k, v := range props {
		p[k] = v
	}
	return map[string]any{"location": "westeurope", "properties": p}
}

// TestCustomLocationValidation: what a custom location cannot be is a 400 naming the cause.
func TestCustomLocationValidation(t *testing.T) {
	lh := startLocationHub(t)
	off, _ := lh.testHub.agent("off")
	if r := lh.send(off, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{Features: []string{protocol.FeatureClusterConnect}}); r.status != http.StatusOK {
		t.Fatalf("heartbeat: %d %s", r.status, r.raw)
	}
	lh.createCluster(sub, rg, "silent")
	lh.createCluster("00000000-0000-0000-0000-0000000000bb", rg, "elsewhere")
	tests := []struct {
		name, location string
		body           map[string]any
		want           string
	}{
		{"bad namespace", "l1", locationBody(lh.cluster, map[string]any{"namespace": "Not_A_Label"}), "must be a DNS label"},
		{"name that is no namespace", "Bad.Name", locationBody(lh.cluster, nil), "set 'properties.namespace'"},
		{"missing hostResourceId", "l1", map[string]any{"location": "westeurope", "properties": map[string]any{}}, "'properties.hostResourceId' is required"},
		{"missing location", "l1", map[string]any{"properties": map[string]any{"hostResourceId": lh.cluster}}, "'location' is required"},
		{"host that is no cluster", "l1", locationBody("/subscriptions/"+sub+"/resourceGroups/"+rg, nil), "must be a connectedCluster's ID"},
		{"host that does not exist", "l1", locationBody(clusterPath(sub, rg, "nope"), nil), "which does not exist"},
		{"host in another subscription", "l1", locationBody(clusterPath("00000000-0000-0000-0000-0000000000bb", rg, "elsewhere"), nil), "must be in the custom location's subscription"},
		{"extension of another cluster", "l1", locationBody(lh.cluster, map[string]any{"clusterExtensionIds": []string{
			clusterPath(sub, rg, "off") + "/providers/Microsoft.KubernetesConfiguration/extensions/samples"}}), "not an extension of the host cluster"},
		{"extension that does not exist", "l1", locationBody(lh.cluster, map[string]any{"clusterExtensionIds": []string{lh.extensionID("nope")}}), "does not exist on the cluster"},
		{"host type", "l1", locationBody(lh.cluster, map[string]any{"hostType": "VMware"}), "'properties.hostType' must be 'Kubernetes'"},
		{"identity type", "l1", map[string]any{"location": "westeurope", "identity": map[string]any{"type": "UserAssigned"}, "properties": map[string]any{"hostResourceId": lh.cluster}}, "'identity.type'"},
		{"feature off", "l1", locationBody(clusterPath(sub, rg, "off"), nil),
			"enable it with 'arcctl connectedk8s enable-features -n off -g " + rg + " --features cluster-connect custom-locations'"},
		{"agent never reported", "l1", locationBody(clusterPath(sub, rg, "silent"), nil),
			"has not reported yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := lh.do(http.MethodPut, locationPath(rg, tt.location)+apiLocation, lh.AdminToken, tt.body)
			if r.status != http.StatusBadRequest || !strings.Contains(r.errorMessage(), tt.want) {
				t.Errorf("PUT = %d %s, want 400 saying %q", r.status, r.raw, tt.want)
			}
		})
	}
	if r := lh.do(http.MethodPut, locationPath(rg, "l1")+apiLocation, lh.AdminToken, locationBody(clusterPath(sub, rg, "silent"), nil)); !strings.Contains(r.errorMessage(), "--features cluster-connect custom-locations") {
		t.Errorf("a cluster whose agent never reported: %s, want the command that enables the feature", r.raw)
	}
}

// TestCustomLocationNeedsWriteOnItsHost: a writer of one resource group cannot make a location
// on a cluster of another, nor can a reader make one.
func TestCustomLocationNeedsWriteOnItsHost(t *testing.T) {
	lh := startLocationHub(t)
	const groupA = "team-a"
	contributorA := lh.token(lh.AdminToken, "a", "Contributor", "/subscriptions/"+sub+"/resourceGroups/"+groupA)
	reader := lh.token(lh.AdminToken, "r", "Reader", "/subscriptions/"+sub)
	contributor := lh.token(lh.AdminToken, "c", "Contributor", "/subscriptions/"+sub+"/resourceGroups/"+rg)

	r := lh.do(http.MethodPut, locationPath(groupA, "loc")+apiLocation, contributorA, locationBody(lh.cluster, nil))
	if r.status != http.StatusForbidden || !strings.Contains(r.errorMessage(), lh.cluster) {
		t.Errorf("a contributor of %s on a cluster of %s: %d %s, want 403 naming the cluster", groupA, rg, r.status, r.raw)
	}
	if r := lh.do(http.MethodPut, locationPath(rg, "loc")+apiLocation, reader, locationBody(lh.cluster, nil)); r.status != http.StatusForbidden {
		t.Errorf("a reader: %d %s, want 403", r.status, r.raw)
	}
	if r := lh.do(http.MethodPut, locationPath(rg, "loc")+apiLocation, contributor, locationBody(lh.cluster, nil)); r.status != http.StatusCreated {
		t.Fatalf("a contributor of the cluster's group: %d %s, want 201", r.status, r.raw)
	}
	if ids := lh.listAll(locationsPath(groupA)+apiLocation, contributorA); len(ids) != 0 {
		t.Errorf("the contributor of %s lists %v", groupA, ids)
	}
	if ids := lh.listAll("/subscriptions/"+sub+"/providers/Microsoft.ExtendedLocation/customLocations"+apiLocation, reader); len(ids) != 1 {
		t.Errorf("the subscription's reader lists %v, want the one location", ids)
	}
}
