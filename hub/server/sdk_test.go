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
	"crypto/tls"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/hybridkubernetes/armhybridkubernetes"
)

// staticToken hands the hub's bearer token to the Azure SDK.
type staticToken string

func (s staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(s), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// sdkOptions are the Azure SDK's client options for the hub: its address as the resource
// manager, trusting its CA.
func (th *testHub) sdkOptions() *arm.ClientOptions {
	transport := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: th.caPool(), MinVersion: tls.VersionTLS12}}}
	return &arm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud: cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
				cloud.ResourceManager: {Endpoint: "https://" + th.Addr, Audience: "https://" + th.Addr},
			}},
			Transport: transport,
		},
		DisableRPRegistration: true,
	}
}

// sdkClient is one of the Azure SDK for Go's own clients, made by newClient for the test
// subscription as the admin, pointed at the hub.
func sdkClient[C any](th *testHub, newClient func(string, azcore.TokenCredential, *arm.ClientOptions) (C, error)) C {
	th.t.Helper()
	c, err := newClient(sub, staticToken(th.AdminToken), th.sdkOptions())
	if err != nil {
		th.t.Fatal(err)
	}
	return c
}

// TestAzureSDKWorksAgainstTheHub drives the hub with armhybridkubernetes v1.2.0, a client
// generated from the public REST spec, unchanged.
func TestAzureSDKWorksAgainstTheHub(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	c := sdkClient(th, armhybridkubernetes.NewConnectedClusterClient)
	k := newAgentKey(t)

	poller, err := c.BeginCreate(ctx, rg, "sdk-1", armhybridkubernetes.ConnectedCluster{
		Location: to.Ptr("westeurope"),
		Identity: &armhybridkubernetes.ConnectedClusterIdentity{Type: to.Ptr(armhybridkubernetes.ResourceIdentityTypeSystemAssigned)},
		Tags:     map[string]*string{"env": to.Ptr("sdk")},
		Properties: &armhybridkubernetes.ConnectedClusterProperties{
			AgentPublicKeyCertificate: to.Ptr(k.public),
			Distribution:              to.Ptr("aks_edge"),
			Infrastructure:            to.Ptr("azure_stack_hci"),
		},
	}, nil)
	if err != nil {
		t.Fatalf("BeginCreate: %v", err)
	}
	created, err := poller.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("PollUntilDone: %v", err)
	}
	if *created.Properties.ProvisioningState != armhybridkubernetes.ProvisioningStateSucceeded ||
		*created.Properties.ConnectivityStatus != armhybridkubernetes.ConnectivityStatusConnecting ||
		*created.Identity.Type != armhybridkubernetes.ResourceIdentityTypeSystemAssigned || created.SystemData.CreatedAt == nil {
		t.Errorf("created cluster = %+v", created.ConnectedCluster)
	}

	got, err := c.Get(ctx, rg, "sdk-1", nil)
	if err != nil || *got.Name != "sdk-1" || *got.Properties.Distribution != "aks_edge" {
		t.Fatalf("Get: %v %+v", err, got)
	}
	updated, err := c.Update(ctx, rg, "sdk-1", armhybridkubernetes.ConnectedClusterPatch{Tags: map[string]*string{"env": to.Ptr("prod")}}, nil)
	if err != nil || *updated.Tags["env"] != "prod" {
		t.Fatalf("Update: %v %+v", err, updated.Tags)
	}

	for _, name := range []string{"sdk-2", "sdk-3"} {
		th.createCluster(sub, rg, name)
	}
	var names []string
	for pager := c.NewListByResourceGroupPager(rg, nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		for _, cl := range page.Value {
			names = append(names, *cl.Name)
		}
	}
	if len(names) != 3 {
		t.Errorf("paged listing = %v, want 3 clusters over 2 pages", names)
	}

	_, err = c.Get(ctx, rg, "missing", nil)
	var respErr *azcore.ResponseError
	if !errors.As(err, &respErr) || respErr.StatusCode != http.StatusNotFound || respErr.ErrorCode != "ResourceNotFound" {
		t.Errorf("Get of a missing cluster: %v, want a ResponseError 404 ResourceNotFound", err)
	}

	del, err := c.BeginDelete(ctx, rg, "sdk-1", nil)
	if err != nil {
		t.Fatalf("BeginDelete: %v", err)
	}
	if _, err := del.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: 10 * time.Millisecond}); err != nil {
		t.Fatalf("delete PollUntilDone: %v", err)
	}
	if _, err := c.Get(ctx, rg, "sdk-1", nil); err == nil {
		t.Error("the cluster is still there after BeginDelete")
	}
}
