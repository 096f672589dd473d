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
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/kubearc/kubearc/pkg/protocol"
)

const clusterRP, clusterResource = "Microsoft.Kubernetes", "connectedClusters"

func fluxConfig(url string) armkc.FluxConfiguration {
	return armkc.FluxConfiguration{Properties: &armkc.FluxConfigurationProperties{
		Scope: to.Ptr(armkc.ScopeTypeCluster), Namespace: to.Ptr("default"), SourceKind: to.Ptr(armkc.SourceKindTypeGitRepository),
		GitRepository: &armkc.GitRepositoryDefinition{URL: to.Ptr(url), RepositoryRef: &armkc.RepositoryRefDefinition{Branch: to.Ptr("main")},
			SyncIntervalInSeconds: to.Ptr[int64](120)},
		Kustomizations: map[string]*armkc.KustomizationDefinition{
			"infra": {Path: to.Ptr("./infra")},
			"apps":  {Path: to.Ptr("./apps"), DependsOn: []*string{to.Ptr("infra")}, Prune: to.Ptr(true)},
		},
	}}
}

// TestAzureSDKManagesFluxConfigurations drives the hub with armkubernetesconfiguration/v2
// v2.1.0, unchanged, while the test plays the agent through the real agent API.
func TestAzureSDKManagesFluxConfigurations(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	agent, _ := th.agent("c1")
	c := sdkClient(th, armkc.NewFluxConfigurationsClient)

	poller, err := c.BeginCreateOrUpdate(ctx, rg, clusterRP, clusterResource, "c1", "cfg", fluxConfig("git@github.com:org/repo.git"), nil)
	if err != nil {
		t.Fatalf("BeginCreateOrUpdate: %v", err)
	}
	got, err := c.Get(ctx, rg, clusterRP, clusterResource, "c1", "cfg", nil)
	if err != nil || *got.Properties.ProvisioningState != armkc.ProvisioningStateCreating || *got.Properties.ComplianceState != armkc.FluxComplianceStatePending {
		t.Fatalf("before the agent reports: %v %+v, want Creating and Pending", err, got.Properties)
	}
	// The first configuration brought the Flux extension, as in Arc.
	if _, ext := th.desiredExtension(agent, "flux"); ext == nil || ext.ExtensionType != "microsoft.flux" || ext.Namespace != "flux-system" || ext.Scope != protocol.ScopeCluster {
		t.Fatalf("Flux extension in the desired state = %+v", ext)
	}
	if e, err := sdkClient(th, armkc.NewExtensionsClient).Get(ctx, rg, clusterRP, clusterResource, "c1", "flux", nil); err != nil || *e.Properties.ExtensionType != "microsoft.flux" {
		t.Fatalf("the Flux extension on the API: %v", err)
	}
	_, spec := th.desiredFlux(agent, "cfg")
	if spec == nil || spec.GitRepository.URL != "ssh://git@github.com/org/repo.git" || spec.Kustomizations["apps"].DependsOn[0] != "infra" ||
		*spec.GitRepository.SyncIntervalInSeconds != 120 || spec.ProtectedSettings != "" {
		t.Fatalf("desired GitOps spec = %+v", spec)
	}

	th.fluxApplied(agent, "cfg", protocol.ComplianceCompliant)
	created, err := poller.PollUntilDone(ctx, fastPoll)
	if err != nil {
		t.Fatalf("PollUntilDone: %v", err)
	}
	p := created.Properties
	if *p.ProvisioningState != armkc.ProvisioningStateSucceeded || *p.ComplianceState != armkc.FluxComplianceStateCompliant ||
		*p.SourceSyncedCommitID != "main@sha1:0a1b2c3d" || p.SourceUpdatedAt == nil || p.StatusUpdatedAt == nil ||
		len(p.Statuses) != 2 || *p.Statuses[1].AppliedBy.Name != "cfg" || *p.Statuses[0].StatusConditions[0].Message != "stored artifact" ||
		*p.GitRepository.URL != "git@github.com:org/repo.git" || *p.Kustomizations["apps"].Name != "apps" || !*p.Kustomizations["apps"].Prune ||
		*p.Kustomizations["infra"].TimeoutInSeconds != 600 || *created.SystemData.CreatedByType != armkc.CreatedByTypeUser {
		t.Errorf("created configuration = %+v", p)
	}

	upd, err := c.BeginUpdate(ctx, rg, clusterRP, clusterResource, "c1", "cfg", armkc.FluxConfigurationPatch{
		Properties: &armkc.FluxConfigurationPatchProperties{Suspend: to.Ptr(true),
			Kustomizations: map[string]*armkc.KustomizationPatchDefinition{"apps": {Path: to.Ptr("./apps/prod")}}},
	}, nil)
	if err != nil {
		t.Fatalf("BeginUpdate: %v", err)
	}
	if got, _ := c.Get(ctx, rg, clusterRP, clusterResource, "c1", "cfg", nil); *got.Properties.ProvisioningState != armkc.ProvisioningStateUpdating {
		t.Fatalf("after the update, before the agent reports: %s, want Updating", *got.Properties.ProvisioningState)
	}
	if _, spec := th.desiredFlux(agent, "cfg"); !spec.Suspend || spec.Kustomizations["apps"].Path != "./apps/prod" || !spec.Kustomizations["apps"].Prune {
		t.Fatalf("desired spec after the update = %+v", spec)
	}
	th.fluxApplied(agent, "cfg", protocol.ComplianceSuspended)
	updated, err := upd.PollUntilDone(ctx, fastPoll)
	if err != nil || !*updated.Properties.Suspend || *updated.Properties.ComplianceState != armkc.FluxComplianceStateSuspended {
		t.Fatalf("update: %v %+v", err, updated.Properties)
	}

	// A second configuration does not add a second Flux extension.
	second, err := c.BeginCreateOrUpdate(ctx, rg, clusterRP, clusterResource, "c1", "second", fluxConfig("https://github.com/org/other"), nil)
	if err != nil {
		t.Fatalf("second BeginCreateOrUpdate: %v", err)
	}
	_ = second
	var extNames []string
	for pager := sdkClient(th, armkc.NewExtensionsClient).NewListPager(rg, clusterRP, clusterResource, "c1", nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Value {
			extNames = append(extNames, *e.Name)
		}
	}
	if len(extNames) != 1 {
		t.Errorf("extensions after two configurations = %v, want only flux", extNames)
	}

	var names []string
	for pager := c.NewListPager(rg, clusterRP, clusterResource, "c1", nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		for _, f := range page.Value {
			names = append(names, *f.Name)
		}
	}
	if len(names) != 2 || names[0] != "cfg" || names[1] != "second" {
		t.Errorf("listing = %v", names)
	}

	sdkDeletion[armkc.FluxConfigurationsClientDeleteResponse]{
		noun: "configuration",
		begin: func() (*runtime.Poller[armkc.FluxConfigurationsClientDeleteResponse], error) {
			return c.BeginDelete(ctx, rg, clusterRP, clusterResource, "c1", "cfg", nil)
		},
		get: func() (armkc.ProvisioningState, error) {
			got, err := c.Get(ctx, rg, clusterRP, clusterResource, "c1", "cfg", nil)
			if err != nil {
				return "", err
			}
			return *got.Properties.ProvisioningState, nil
		},
		th: th, agent: agent, kind: protocol.KindGitOpsConfiguration, name: "cfg",
	}.run(ctx, t)

	force, err := c.BeginDelete(ctx, rg, clusterRP, clusterResource, "c1", "second", &armkc.FluxConfigurationsClientBeginDeleteOptions{ForceDelete: to.Ptr(true)})
	if err != nil {
		t.Fatalf("forced BeginDelete: %v", err)
	}
	if _, err := force.PollUntilDone(ctx, fastPoll); err != nil {
		t.Fatalf("forced delete PollUntilDone: %v", err)
	}
	if obj, _ := th.desiredFlux(agent, "second"); obj != nil {
		t.Error("a forced delete left the configuration in the agent's desired state")
	}
	if _, err := c.Get(ctx, rg, clusterRP, clusterResource, "c1", "second", nil); err == nil {
		t.Error("the configuration is still there after a forced delete, without the agent")
	}
}

func TestAzureSDKSeesAFailedFluxConfiguration(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	agent, _ := th.agent("c1")
	c := sdkClient(th, armkc.NewFluxConfigurationsClient)
	poller, err := c.BeginCreateOrUpdate(ctx, rg, clusterRP, clusterResource, "c1", "cfg", fluxConfig("https://github.com/org/repo"), nil)
	if err != nil {
		t.Fatal(err)
	}
	obj, _ := th.desiredFlux(agent, "cfg")
	th.reportFlux(agent, "cfg", obj.ResourceVersion, protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningFailed,
		ComplianceState: protocol.ComplianceNonCompliant, ErrorMessage: "kustomization path not found: ./apps"})
	_, err = poller.PollUntilDone(ctx, fastPoll)
	var respErr *azcore.ResponseError
	if !errors.As(err, &respErr) || respErr.ErrorCode != "FluxConfigurationFailed" {
		t.Fatalf("PollUntilDone = %v, want the FluxConfigurationFailed error", err)
	}
	got, err := c.Get(ctx, rg, clusterRP, clusterResource, "c1", "cfg", nil)
	if err != nil || *got.Properties.ProvisioningState != armkc.ProvisioningStateFailed || *got.Properties.ComplianceState != armkc.FluxComplianceStateNonCompliant ||
		*got.Properties.ErrorMessage != "kustomization path not found: ./apps" {
		t.Errorf("failed configuration = %v %+v", err, got.Properties)
	}
}

// TestFluxExtensionIsAddedOnlyWhenMissing: a cluster that has Flux under another name (or
// type alias) gets no second Flux extension.
func TestFluxExtensionIsAddedOnlyWhenMissing(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	th.agent("c1")
	if _, err := sdkClient(th, armkc.NewExtensionsClient).BeginCreate(ctx, rg, clusterRP, clusterResource, "c1", "gitops", armkc.Extension{
		Properties: &armkc.ExtensionProperties{ExtensionType: to.Ptr("flux")}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := sdkClient(th, armkc.NewFluxConfigurationsClient).BeginCreateOrUpdate(ctx, rg, clusterRP, clusterResource, "c1", "cfg", fluxConfig("https://github.com/org/repo"), nil); err != nil {
		t.Fatal(err)
	}
	var names []string
	for pager := sdkClient(th, armkc.NewExtensionsClient).NewListPager(rg, clusterRP, clusterResource, "c1", nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Value {
			names = append(names, *e.Name)
		}
	}
	if len(names) != 1 || names[0] != "gitops" {
		t.Errorf("extensions = %v, want only the user's gitops", names)
	}
}
