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
	"errors"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/hybridkubernetes/armhybridkubernetes"
	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
)

// sdkCall is one method of an Azure SDK client called against the hub, and the ARM error
// code it answers ("" for success).
type sdkCall struct {
	method   string
	wantCode string
	call     func(context.Context) error
}

// drain reads every page of p.
func drain[T any](ctx context.Context, p *runtime.Pager[T]) ([]T, error) {
	var pages []T
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return pages, err
		}
		pages = append(pages, page)
	}
	return pages, nil
}

// tenantWide adapts the constructor of a client that takes no subscription to sdkClient.
func tenantWide[C any](newClient func(azcore.TokenCredential, *arm.ClientOptions) (C, error)) func(string, azcore.TokenCredential, *arm.ClientOptions) (C, error) {
	return func(_ string, cred azcore.TokenCredential, opts *arm.ClientOptions) (C, error) {
		return newClient(cred, opts)
	}
}

// begun drops the poller of a long-running operation that started.
func begun[T any](_ *runtime.Poller[T], err error) error { return err }

// TestEveryAzureSDKOperationWorksOrSaysWhyNot calls every method of every client of
// armhybridkubernetes v1.2.0 and armkubernetesconfiguration/v2 v2.1.0 against the hub: each
// succeeds or answers an ARM error with the expected code and a message, never the router's
// bare 404. The table must name every method the SDKs have (found by reflection), and
// docs/azure-compatibility.md must list each.
func TestEveryAzureSDKOperationWorksOrSaysWhyNot(t *testing.T) {
	th := newTestHub(t)
	th.agent("c1")
	calls := append(hybridCalls(th), configurationCalls(th)...)
	ctx := context.Background()
	for _, c := range calls {
		err := c.call(ctx)
		var re *azcore.ResponseError
		switch {
		case c.wantCode == "" && err != nil:
			t.Errorf("%s: %v, want success", c.method, err)
		case c.wantCode == "":
		case !errors.As(err, &re):
			t.Errorf("%s: %v, want an ARM error %s", c.method, err, c.wantCode)
		case re.ErrorCode != c.wantCode || re.StatusCode >= http.StatusInternalServerError || strings.Contains(re.Error(), "No route matches"):
			t.Errorf("%s: %d %s %v, want a 4xx %s", c.method, re.StatusCode, re.ErrorCode, re, c.wantCode)
		case !strings.Contains(re.Error(), "fluxConfigurations"):
			t.Errorf("%s: the message does not say what to use instead: %v", c.method, re)
		}
	}
	wantEveryMethodCalled(t, calls)
}

// wantEveryMethodCalled fails for a method of the SDKs' clients that calls lacks or that
// docs/azure-compatibility.md does not list.
func wantEveryMethodCalled(t *testing.T, calls []sdkCall) {
	t.Helper()
	doc, err := os.ReadFile("../../docs/azure-compatibility.md")
	if err != nil {
		t.Fatal(err)
	}
	called := map[string]bool{}
	for _, c := range calls {
		called[c.method] = true
	}
	clients := []any{&armhybridkubernetes.ConnectedClusterClient{}, &armhybridkubernetes.OperationsClient{},
		&armkc.ExtensionsClient{}, &armkc.FluxConfigOperationStatusClient{}, &armkc.FluxConfigurationsClient{},
		&armkc.OperationsClient{}, &armkc.OperationStatusClient{}, &armkc.SourceControlConfigurationsClient{}}
	for _, c := range clients {
		typ := reflect.TypeOf(c)
		for i := range typ.NumMethod() {
			name := strings.TrimPrefix(typ.String(), "*") + "." + typ.Method(i).Name
			if !called[name] {
				t.Errorf("%s is not called by the test", name)
			}
			if !strings.Contains(string(doc), "`"+name+"`") {
				t.Errorf("%s is not listed in docs/azure-compatibility.md", name)
			}
		}
	}
}

func hybridCalls(th *testHub) []sdkCall {
	c := sdkClient(th, armhybridkubernetes.NewConnectedClusterClient)
	ops := sdkClient(th, tenantWide(armhybridkubernetes.NewOperationsClient))
	const name = "sdk-walk"
	return []sdkCall{
		{method: "armhybridkubernetes.OperationsClient.NewGetPager", call: func(ctx context.Context) error {
			pages, err := drain(ctx, ops.NewGetPager(nil))
			if err == nil && (len(pages) != 1 || !hasOperation(pages[0].Value, "Microsoft.Kubernetes/connectedClusters/read")) {
				th.t.Errorf("Microsoft.Kubernetes operations = %+v, want connectedClusters/read among them", pages)
			}
			return err
		}},
		{method: "armhybridkubernetes.ConnectedClusterClient.BeginCreate", call: func(ctx context.Context) error {
			return begun(c.BeginCreate(ctx, rg, name, armhybridkubernetes.ConnectedCluster{Location: to.Ptr("westeurope"),
				Identity:   &armhybridkubernetes.ConnectedClusterIdentity{Type: to.Ptr(armhybridkubernetes.ResourceIdentityTypeSystemAssigned)},
				Properties: &armhybridkubernetes.ConnectedClusterProperties{AgentPublicKeyCertificate: to.Ptr(newAgentKey(th.t).public)}}, nil))
		}},
		{method: "armhybridkubernetes.ConnectedClusterClient.Get", call: func(ctx context.Context) error {
			_, err := c.Get(ctx, rg, name, nil)
			return err
		}},
		{method: "armhybridkubernetes.ConnectedClusterClient.Update", call: func(ctx context.Context) error {
			_, err := c.Update(ctx, rg, name, armhybridkubernetes.ConnectedClusterPatch{Tags: map[string]*string{"walk": to.Ptr("yes")}}, nil)
			return err
		}},
		{method: "armhybridkubernetes.ConnectedClusterClient.NewListByResourceGroupPager", call: func(ctx context.Context) error {
			_, err := drain(ctx, c.NewListByResourceGroupPager(rg, nil))
			return err
		}},
		{method: "armhybridkubernetes.ConnectedClusterClient.NewListBySubscriptionPager", call: func(ctx context.Context) error {
			_, err := drain(ctx, c.NewListBySubscriptionPager(nil))
			return err
		}},
		{method: "armhybridkubernetes.ConnectedClusterClient.ListClusterUserCredential", call: func(ctx context.Context) error {
			_, err := c.ListClusterUserCredential(ctx, rg, name, armhybridkubernetes.ListClusterUserCredentialProperties{
				AuthenticationMethod: to.Ptr(armhybridkubernetes.AuthenticationMethodToken), ClientProxy: to.Ptr(false)}, nil)
			return err
		}},
		{method: "armhybridkubernetes.ConnectedClusterClient.BeginDelete", call: func(ctx context.Context) error {
			return begun(c.BeginDelete(ctx, rg, name, nil))
		}},
	}
}

// hasOperation says whether ops names operation name.
func hasOperation[O any](ops []*O, name string) bool {
	for _, op := range ops {
		if n := reflect.ValueOf(op).Elem().FieldByName("Name"); n.IsValid() && !n.IsNil() && n.Elem().String() == name {
			return true
		}
	}
	return false
}

func configurationCalls(th *testHub) []sdkCall {
	ops := sdkClient(th, tenantWide(armkc.NewOperationsClient))
	calls := []sdkCall{{method: "armkubernetesconfiguration.OperationsClient.NewListPager", call: func(ctx context.Context) error {
		pages, err := drain(ctx, ops.NewListPager(nil))
		if err == nil && (len(pages) != 1 || !hasOperation(pages[0].Value, "Microsoft.KubernetesConfiguration/extensions/write")) {
			th.t.Errorf("Microsoft.KubernetesConfiguration operations = %+v, want extensions/write among them", pages)
		}
		return err
	}}}
	calls = append(calls, extensionCalls(th)...)
	calls = append(calls, fluxCalls(th)...)
	return append(calls, sourceControlCalls(th)...)
}

func extensionCalls(th *testHub) []sdkCall {
	c := sdkClient(th, armkc.NewExtensionsClient)
	st := sdkClient(th, armkc.NewOperationStatusClient)
	const ext = "walk-flux"
	return []sdkCall{
		{method: "armkubernetesconfiguration.ExtensionsClient.BeginCreate", call: func(ctx context.Context) error {
			return begun(c.BeginCreate(ctx, rg, clusterRP, clusterResource, "c1", ext,
				armkc.Extension{Properties: &armkc.ExtensionProperties{ExtensionType: to.Ptr("flux")}}, nil))
		}},
		{method: "armkubernetesconfiguration.ExtensionsClient.Get", call: func(ctx context.Context) error {
			_, err := c.Get(ctx, rg, clusterRP, clusterResource, "c1", ext, nil)
			return err
		}},
		{method: "armkubernetesconfiguration.ExtensionsClient.NewListPager", call: func(ctx context.Context) error {
			_, err := drain(ctx, c.NewListPager(rg, clusterRP, clusterResource, "c1", nil))
			return err
		}},
		{method: "armkubernetesconfiguration.ExtensionsClient.BeginUpdate", call: func(ctx context.Context) error {
			return begun(c.BeginUpdate(ctx, rg, clusterRP, clusterResource, "c1", ext,
				armkc.PatchExtension{Properties: &armkc.PatchExtensionProperties{ConfigurationSettings: map[string]*string{"a": to.Ptr("b")}}}, nil))
		}},
		{method: "armkubernetesconfiguration.OperationStatusClient.NewListPager", call: func(ctx context.Context) error {
			_, err := clusterOperation(ctx, st, "/extensions/"+ext+"/")
			return err
		}},
		{method: "armkubernetesconfiguration.OperationStatusClient.Get", call: func(ctx context.Context) error {
			id, err := clusterOperation(ctx, st, "/extensions/"+ext+"/")
			if err == nil {
				_, err = st.Get(ctx, rg, clusterRP, clusterResource, "c1", ext, id, nil)
			}
			return err
		}},
		{method: "armkubernetesconfiguration.ExtensionsClient.BeginDelete", call: func(ctx context.Context) error {
			return begun(c.BeginDelete(ctx, rg, clusterRP, clusterResource, "c1", ext, nil))
		}},
	}
}

// clusterOperation lists the operations on cluster c1 and returns the name of one on the
// resource whose ID contains resource.
func clusterOperation(ctx context.Context, st *armkc.OperationStatusClient, resource string) (string, error) {
	pages, err := drain(ctx, st.NewListPager(rg, clusterRP, clusterResource, "c1", nil))
	if err != nil {
		return "", err
	}
	for _, p := range pages {
		for _, op := range p.Value {
			if strings.Contains(*op.ID, resource) && *op.Status != "" {
				return *op.Name, nil
			}
		}
	}
	return "", errors.New("the cluster's operations list none on " + resource)
}

func fluxCalls(th *testHub) []sdkCall {
	c := sdkClient(th, armkc.NewFluxConfigurationsClient)
	st := sdkClient(th, armkc.NewOperationStatusClient)
	fst := sdkClient(th, armkc.NewFluxConfigOperationStatusClient)
	const cfg = "walk-cfg"
	return []sdkCall{
		{method: "armkubernetesconfiguration.FluxConfigurationsClient.BeginCreateOrUpdate", call: func(ctx context.Context) error {
			return begun(c.BeginCreateOrUpdate(ctx, rg, clusterRP, clusterResource, "c1", cfg, fluxConfig("https://git.example.com/r.git"), nil))
		}},
		{method: "armkubernetesconfiguration.FluxConfigurationsClient.Get", call: func(ctx context.Context) error {
			_, err := c.Get(ctx, rg, clusterRP, clusterResource, "c1", cfg, nil)
			return err
		}},
		{method: "armkubernetesconfiguration.FluxConfigurationsClient.NewListPager", call: func(ctx context.Context) error {
			_, err := drain(ctx, c.NewListPager(rg, clusterRP, clusterResource, "c1", nil))
			return err
		}},
		{method: "armkubernetesconfiguration.FluxConfigurationsClient.BeginUpdate", call: func(ctx context.Context) error {
			return begun(c.BeginUpdate(ctx, rg, clusterRP, clusterResource, "c1", cfg,
				armkc.FluxConfigurationPatch{Properties: &armkc.FluxConfigurationPatchProperties{Suspend: to.Ptr(true)}}, nil))
		}},
		{method: "armkubernetesconfiguration.FluxConfigOperationStatusClient.Get", call: func(ctx context.Context) error {
			id, err := clusterOperation(ctx, st, "/fluxConfigurations/"+cfg+"/")
			if err == nil {
				_, err = fst.Get(ctx, rg, clusterRP, clusterResource, "c1", cfg, id, nil)
			}
			return err
		}},
		{method: "armkubernetesconfiguration.FluxConfigurationsClient.BeginDelete", call: func(ctx context.Context) error {
			return begun(c.BeginDelete(ctx, rg, clusterRP, clusterResource, "c1", cfg, nil))
		}},
	}
}

// sourceControlCalls are Flux v1's configurations, which the hub does not run.
func sourceControlCalls(th *testHub) []sdkCall {
	c := sdkClient(th, armkc.NewSourceControlConfigurationsClient)
	const scc, notSupported = "walk-v1", "NotSupported"
	return []sdkCall{
		{method: "armkubernetesconfiguration.SourceControlConfigurationsClient.CreateOrUpdate", wantCode: notSupported, call: func(ctx context.Context) error {
			_, err := c.CreateOrUpdate(ctx, rg, clusterRP, clusterResource, "c1", scc, armkc.SourceControlConfiguration{
				Properties: &armkc.SourceControlConfigurationProperties{RepositoryURL: to.Ptr("https://git.example.com/r.git")}}, nil)
			return err
		}},
		{method: "armkubernetesconfiguration.SourceControlConfigurationsClient.Get", wantCode: notSupported, call: func(ctx context.Context) error {
			_, err := c.Get(ctx, rg, clusterRP, clusterResource, "c1", scc, nil)
			return err
		}},
		{method: "armkubernetesconfiguration.SourceControlConfigurationsClient.NewListPager", wantCode: notSupported, call: func(ctx context.Context) error {
			_, err := drain(ctx, c.NewListPager(rg, clusterRP, clusterResource, "c1", nil))
			return err
		}},
		{method: "armkubernetesconfiguration.SourceControlConfigurationsClient.BeginDelete", wantCode: notSupported, call: func(ctx context.Context) error {
			return begun(c.BeginDelete(ctx, rg, clusterRP, clusterResource, "c1", scc, nil))
		}},
	}
}
