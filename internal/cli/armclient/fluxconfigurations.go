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

package armclient

import (
	"context"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/kubearc/kubearc/pkg/armid"
)

// fluxConfigurations is Microsoft.KubernetesConfiguration/fluxConfigurations.
func fluxConfigurations() nested[armkc.FluxConfiguration] {
	return nested[armkc.FluxConfiguration]{
		collection: "fluxConfigurations",
		noun:       "Flux configuration",
		nouns:      "Flux configurations",
		scrub:      withoutFluxProtectedSettings,
	}
}

// GetFluxConfiguration returns a Flux configuration of a cluster.
func (c *Client) GetFluxConfiguration(ctx context.Context, cluster armid.ClusterID, name string) (*armkc.FluxConfiguration, error) {
	return fluxConfigurations().get(ctx, c, cluster, name)
}

// PutFluxConfiguration creates or replaces a Flux configuration and returns the hub's answer
// (provisioningState Creating or Updating until the agent applied it).
func (c *Client) PutFluxConfiguration(ctx context.Context, cluster armid.ClusterID, name string, body armkc.FluxConfiguration) (*armkc.FluxConfiguration, error) {
	resp, err := fluxConfigurations().send(ctx, c, http.MethodPut, cluster, name, body, http.StatusOK, http.StatusCreated)
	if err != nil {
		return nil, err
	}
	return fluxConfigurations().decodeAny(resp)
}

// PatchFluxConfiguration merges a change into a Flux configuration: a kustomization or a
// protected setting set to nil in a map is removed.
func (c *Client) PatchFluxConfiguration(ctx context.Context, cluster armid.ClusterID, name string, patch armkc.FluxConfigurationPatch) (*armkc.FluxConfiguration, error) {
	return fluxConfigurations().patch(ctx, c, cluster, name, patch)
}

// DeleteFluxConfiguration asks the hub to delete a Flux configuration; force removes it from
// the hub without waiting for the agent (?forceDelete=true). It reports false when there was
// no such configuration.
func (c *Client) DeleteFluxConfiguration(ctx context.Context, cluster armid.ClusterID, name string, force bool) (bool, error) {
	return fluxConfigurations().delete(ctx, c, cluster, name, force)
}

// ListFluxConfigurations pages through the Flux configurations of a cluster.
func (c *Client) ListFluxConfigurations(cluster armid.ClusterID) *runtime.Pager[armkc.FluxConfigurationsList] {
	return listNested(c, fluxConfigurations(), cluster, func(page armkc.FluxConfigurationsList) ([]*armkc.FluxConfiguration, *string) {
		return page.Value, page.NextLink
	})
}

// withoutFluxProtectedSettings drops protected settings from an answer, so that arcctl
// cannot show them even if a hub returned them.
func withoutFluxProtectedSettings(f *armkc.FluxConfiguration) {
	if f != nil && f.Properties != nil {
		f.Properties.ConfigurationProtectedSettings = nil
	}
}
