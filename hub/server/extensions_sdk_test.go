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
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/kubearc/kubearc/pkg/protocol"
)

var fastPoll = &runtime.PollUntilDoneOptions{Frequency: 10 * time.Millisecond}

// TestAzureSDKManagesExtensions drives the hub with armkubernetesconfiguration/v2 v2.1.0,
// unchanged, while the test plays the agent through the real agent API.
func TestAzureSDKManagesExtensions(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	agent, _ := th.agent("c1")
	c := sdkClient(th, armkc.NewExtensionsClient)
	const cp, cr = "Microsoft.Kubernetes", "connectedClusters"

	poller, err := c.BeginCreate(ctx, rg, cp, cr, "c1", "flux", armkc.Extension{
		Properties: &armkc.ExtensionProperties{
			ExtensionType:         to.Ptr("microsoft.flux"),
			ConfigurationSettings: map[string]*string{"helmController.enabled": to.Ptr("false")},
		},
	}, nil)
	if err != nil {
		t.Fatalf("BeginCreate: %v", err)
	}
	if got, _ := c.Get(ctx, rg, cp, cr, "c1", "flux", nil); *got.Properties.ProvisioningState != armkc.ProvisioningStateCreating {
		t.Fatalf("before the agent reports: provisioningState %s, want Creating", *got.Properties.ProvisioningState)
	}
	th.installed(agent, "flux")
	created, err := poller.PollUntilDone(ctx, fastPoll)
	if err != nil {
		t.Fatalf("PollUntilDone: %v", err)
	}
	p := created.Properties
	if *p.ProvisioningState != armkc.ProvisioningStateSucceeded || *p.CurrentVersion != "2.16.2" ||
		*p.ReleaseTrain != "Stable" || !*p.AutoUpgradeMinorVersion || *p.Scope.Cluster.ReleaseNamespace != "flux-system" ||
		len(p.Statuses) != 1 || *p.Statuses[0].Code != "Ready" || *created.SystemData.CreatedByType != armkc.CreatedByTypeUser {
		t.Errorf("created extension = %+v", p)
	}

	_, spec := th.desiredExtension(agent, "flux")
	if spec.Chart.Repository != "https://fluxcd-community.github.io/helm-charts" || spec.Chart.Name != "flux2" || spec.Chart.Version != "2.16.2" {
		t.Errorf("desired chart = %+v", spec.Chart)
	}

	upd, err := c.BeginUpdate(ctx, rg, cp, cr, "c1", "flux", armkc.PatchExtension{
		Properties: &armkc.PatchExtensionProperties{AutoUpgradeMinorVersion: to.Ptr(false), Version: to.Ptr("2.15.0")},
	}, nil)
	if err != nil {
		t.Fatalf("BeginUpdate: %v", err)
	}
	if got, _ := c.Get(ctx, rg, cp, cr, "c1", "flux", nil); *got.Properties.ProvisioningState != armkc.ProvisioningStateUpdating ||
		*got.Properties.CurrentVersion != "2.16.2" {
		t.Fatalf("after the update, before the agent reports: %s %s, want Updating 2.16.2", *got.Properties.ProvisioningState, *got.Properties.CurrentVersion)
	}
	th.installed(agent, "flux")
	updated, err := upd.PollUntilDone(ctx, fastPoll)
	if err != nil || *updated.Properties.Version != "2.15.0" || *updated.Properties.CurrentVersion != "2.15.0" {
		t.Fatalf("update: %v %+v", err, updated.Properties)
	}

	var names []string
	for pager := c.NewListPager(rg, cp, cr, "c1", nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		for _, e := range page.Value {
			names = append(names, *e.Name)
		}
	}
	if len(names) != 1 || names[0] != "flux" {
		t.Errorf("listing = %v", names)
	}

	sdkDeletion[armkc.ExtensionsClientDeleteResponse]{
		noun: "extension",
		begin: func() (*runtime.Poller[armkc.ExtensionsClientDeleteResponse], error) {
			return c.BeginDelete(ctx, rg, cp, cr, "c1", "flux", nil)
		},
		get: func() (armkc.ProvisioningState, error) {
			got, err := c.Get(ctx, rg, cp, cr, "c1", "flux", nil)
			if err != nil {
				return "", err
			}
			return *got.Properties.ProvisioningState, nil
		},
		th: th, agent: agent, kind: protocol.KindExtension, name: "flux",
	}.run(ctx, t)
}

func TestAzureSDKForceDeletesAnExtension(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	th.agent("c1")
	c := sdkClient(th, armkc.NewExtensionsClient)
	const cp, cr = "Microsoft.Kubernetes", "connectedClusters"
	if _, err := c.BeginCreate(ctx, rg, cp, cr, "c1", "gk", armkc.Extension{
		Properties: &armkc.ExtensionProperties{ExtensionType: to.Ptr("gatekeeper")}}, nil); err != nil {
		t.Fatal(err)
	}
	del, err := c.BeginDelete(ctx, rg, cp, cr, "c1", "gk", &armkc.ExtensionsClientBeginDeleteOptions{ForceDelete: to.Ptr(true)})
	if err != nil {
		t.Fatalf("BeginDelete: %v", err)
	}
	if _, err := del.PollUntilDone(ctx, fastPoll); err != nil {
		t.Fatalf("PollUntilDone: %v", err)
	}
	if _, err := c.Get(ctx, rg, cp, cr, "c1", "gk", nil); err == nil {
		t.Error("the extension is still there after a forced delete, without the agent")
	}
}
