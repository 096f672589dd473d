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
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/extendedlocation/armextendedlocation"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/policyinsights/armpolicyinsights"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
)

const apiExtTypes = "?api-version=2024-11-01-preview"

// extensionTypesCatalog is the catalog of the extension-type tests: two types with a Preview
// train, one without.
const extensionTypesCatalog = `
extensionTypes:
  - name: microsoft.flux
    aliases: [flux]
    description: Flux v2.
    defaultScope: cluster
    defaultReleaseNamespace: flux-system
    chart: {repository: https://charts.example, name: flux2}
    releaseTrains:
      - {name: Stable, versions: ["2.12.4", "2.15.0", "2.16.2"]}
      - {name: Preview, versions: ["2.16.2"]}
  - name: gatekeeper
    defaultScope: cluster
    defaultReleaseNamespace: gatekeeper-system
    chart: {repository: https://charts.example, name: gatekeeper}
    releaseTrains:
      - {name: Stable, versions: ["3.15.0", "3.16.3", "3.17.1"]}
      - {name: Preview, versions: ["3.17.1"]}
  - name: plain
    defaultScope: namespace
    chart: {repository: https://charts.example, name: plain}
    releaseTrains:
      - {name: Stable, versions: ["1.0.0"]}
agent:
  chart: {repository: oci://charts.example/kubearc, name: kubearc-agent}
  releaseTrains:
    - {name: Stable, versions: ["0.1.0"]}
`

// names are the names of the items of a list answer.
func (r response) names() []string {
	items, _ := r.body["value"].([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.(map[string]any)["name"].(string))
	}
	return out
}

// TestExtensionTypesAtAzurePaths reads the catalog as `az k8s-extension extension-types`
// does: by cluster and by location, with the query filters of the REST spec.
func TestExtensionTypesAtAzurePaths(t *testing.T) {
	file := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(file, []byte(extensionTypesCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.CatalogFile = file }})
	th.createCluster(sub, rg, "c1")
	byCluster := clusterPath(sub, rg, "c1") + "/providers/Microsoft.KubernetesConfiguration/extensionTypes"
	byLocation := "/subscriptions/" + sub + "/providers/Microsoft.KubernetesConfiguration/locations/westeurope/extensionTypes"
	for _, tt := range []struct {
		path      string
		wantNames []string
	}{
		{byCluster + apiExtTypes, []string{"microsoft.flux", "gatekeeper", "plain"}},
		{byLocation + "?api-version=2023-05-01-preview", []string{"microsoft.flux", "gatekeeper", "plain"}},
		{byLocation + apiExtTypes + "&clusterType=connectedClusters&releaseTrain=preview", []string{"microsoft.flux", "gatekeeper"}},
		{byLocation + apiExtTypes + "&clusterType=managedClusters", nil},
		{byCluster + apiExtTypes + "&planId=p1", nil},
		{byCluster + "/flux/versions" + apiExtTypes, []string{"2.16.2", "2.15.0", "2.12.4"}},
		{byCluster + "/flux/versions" + apiExtTypes + "&releaseTrain=Preview", []string{"2.16.2"}},
		{byLocation + "/gatekeeper/versions" + apiExtTypes + "&showLatest=true", []string{"3.17.1"}},
		{byLocation + "/gatekeeper/versions" + apiExtTypes + "&majorVersion=2", nil},
		{strings.ToUpper(byCluster[:1]) + strings.Replace(byCluster[1:], "extensionTypes", "EXTENSIONTYPES", 1) + apiExtTypes,
			[]string{"microsoft.flux", "gatekeeper", "plain"}},
	} {
		r := th.do(http.MethodGet, tt.path, th.AdminToken, nil)
		if r.status != http.StatusOK || !slices.Equal(r.names(), tt.wantNames) {
			t.Errorf("GET %s = %d %v, want %v (%s)", tt.path, r.status, r.names(), tt.wantNames, r.raw)
		}
	}

	got := th.do(http.MethodGet, byCluster+"/flux"+apiExtTypes, th.AdminToken, nil)
	scopes, _ := got.props()["supportedScopes"].(map[string]any)
	if got.status != http.StatusOK || got.body["id"] != byCluster+"/microsoft.flux" || got.body["type"] != "Microsoft.KubernetesConfiguration/extensionTypes" ||
		scopes["defaultScope"] != "cluster" || !strings.Contains(got.raw, `"defaultReleaseNamespace":"flux-system"`) {
		t.Errorf("the flux extension type = %d %s", got.status, got.raw)
	}
	v := th.do(http.MethodGet, byLocation+"/microsoft.flux/versions/2.15.0"+apiExtTypes, th.AdminToken, nil)
	if v.status != http.StatusOK || v.props()["version"] != "2.15.0" || v.body["id"] != byLocation+"/microsoft.flux/versions/2.15.0" {
		t.Errorf("a version = %d %s", v.status, v.raw)
	}
	wantExtensionTypeErrors(th, byCluster, byLocation)
}

func wantExtensionTypeErrors(th *testHub, byCluster, byLocation string) {
	reader := th.token(th.AdminToken, "elsewhere", "Reader", "/subscriptions/"+sub+"/resourceGroups/other")
	for _, tt := range []struct {
		path, token, wantCode, wantText string
		wantStatus                      int
	}{
		{byCluster + "/nginx" + apiExtTypes, th.AdminToken, "ResourceNotFound", "microsoft.flux, gatekeeper, plain", http.StatusNotFound},
		{byCluster + "/flux/versions/9.9.9" + apiExtTypes, th.AdminToken, "ResourceNotFound", "Stable: 2.12.4, 2.15.0, 2.16.2", http.StatusNotFound},
		{byCluster + "/flux/versions" + apiExtTypes + "&releaseTrain=nightly", th.AdminToken, "InvalidParameter", "Stable, Preview", http.StatusBadRequest},
		{byCluster + "/flux/versions" + apiExtTypes + "&majorVersion=two", th.AdminToken, "InvalidParameter", "majorVersion", http.StatusBadRequest},
		{byCluster, th.AdminToken, "MissingApiVersionParameter", "2024-11-01-preview", http.StatusBadRequest},
		{strings.Replace(byCluster, "/c1/", "/c9/", 1) + apiExtTypes, th.AdminToken, "ResourceNotFound", "c9", http.StatusNotFound},
		{byCluster + apiExtTypes, reader, "AuthorizationFailed", "extensionTypes/read", http.StatusForbidden},
		{byLocation + apiExtTypes, "", "AuthenticationFailed", "", http.StatusUnauthorized},
	} {
		r := th.do(http.MethodGet, tt.path, tt.token, nil)
		if r.status != tt.wantStatus || r.errorCode() != tt.wantCode || !strings.Contains(r.errorMessage(), tt.wantText) {
			th.t.Errorf("GET %s = %d %s, want %d %s saying %q", tt.path, r.status, r.raw, tt.wantStatus, tt.wantCode, tt.wantText)
		}
	}
}

// TestProviderOperationsLists reads the operations of each namespace the hub serves, with
// the SDKs that have an OperationsClient for them.
func TestProviderOperationsLists(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	var names []string
	for pager := sdkClient(th, armextendedlocation.NewCustomLocationsClient).NewListOperationsPager(nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatalf("ExtendedLocation operations: %v", err)
		}
		for _, op := range page.Value {
			names = append(names, *op.Name)
			if *op.Display.Description == "" || *op.Display.Provider != "Microsoft.ExtendedLocation" {
				t.Errorf("operation %s: display %+v", *op.Name, *op.Display)
			}
		}
	}
	if !slices.Contains(names, "Microsoft.ExtendedLocation/customLocations/write") ||
		!slices.Contains(names, "Microsoft.ExtendedLocation/customLocations/resourceSyncRules/delete") {
		t.Errorf("ExtendedLocation operations = %v", names)
	}
	insights, err := sdkClient(th, tenantWide(armpolicyinsights.NewOperationsClient)).List(ctx, nil)
	if err != nil || !hasOperation(insights.Value, "Microsoft.PolicyInsights/policyStates/triggerEvaluation/action") {
		t.Errorf("PolicyInsights operations: %v %+v", err, insights.Value)
	}
	for _, tt := range []struct{ path, wantCode string }{
		{"/providers/Microsoft.Authorization/operations?api-version=2023-04-01", ""},
		{"/providers/microsoft.kubernetes/OPERATIONS?api-version=2024-01-01", ""},
		{"/providers/Microsoft.Kubernetes/operations?api-version=2023-05-01", "InvalidApiVersionParameter"},
	} {
		if r := th.do(http.MethodGet, tt.path, th.AdminToken, nil); r.errorCode() != tt.wantCode || (tt.wantCode == "" && len(r.names()) == 0) {
			t.Errorf("GET %s = %d %s, want code %q", tt.path, r.status, r.raw, tt.wantCode)
		}
	}
}

// TestUnservedARMPathsAnswerARMErrors: a path the hub has no route for is answered with ARM
// error JSON naming what is not served, never the router's bare 404.
func TestUnservedARMPathsAnswerARMErrors(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	cluster := clusterPath(sub, rg, "c1")
	for _, tt := range []struct {
		method, path string
		wantStatus   int
		wantCode     string
		wantText     string
	}{
		{http.MethodGet, cluster + "/providers/Microsoft.KubernetesConfiguration/privateLinkScopes/p", 400, "NotSupported", "Private Link"},
		{http.MethodPut, cluster + "/providers/Microsoft.KubernetesConfiguration/sourceControlConfigurations/s", 400, "NotSupported", "fluxConfigurations"},
		{http.MethodGet, cluster + "/providers/Microsoft.KubernetesConfiguration/widgets", 400, "InvalidResourceType", "'widgets'"},
		{http.MethodGet, cluster + "/providers/Microsoft.Contoso/things/t/parts/p", 400, "NoRegisteredProviderFound", "Microsoft.Contoso"},
		{http.MethodGet, "/providers/Microsoft.Contoso/operations", 400, "NoRegisteredProviderFound", "Microsoft.Kubernetes, "},
		{http.MethodPost, cluster, 405, "MethodNotAllowed", "GET, PUT, PATCH, DELETE"},
		{http.MethodGet, "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.ContainerService/managedClusters/aks" +
			"/providers/Microsoft.KubernetesConfiguration/extensions", 400, "NotSupported", "Microsoft.ContainerService/managedClusters"},
		{http.MethodGet, "/subscriptions/" + sub + "/resourceGroups/" + rg, 404, "NotFound", "resource groups"},
		{http.MethodGet, "/kubearc/v1/nothing", 404, "NotFound", "No route matches"},
	} {
		r := th.do(tt.method, tt.path+"?api-version=2023-05-01", th.AdminToken, nil)
		if r.status != tt.wantStatus || r.errorCode() != tt.wantCode || !strings.Contains(r.errorMessage(), tt.wantText) {
			t.Errorf("%s %s = %d %s, want %d %s saying %q", tt.method, tt.path, r.status, r.raw, tt.wantStatus, tt.wantCode, tt.wantText)
		}
	}
}
