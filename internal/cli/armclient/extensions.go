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

// extensions is Microsoft.KubernetesConfiguration/extensions.
func extensions() nested[armkc.Extension] {
	return nested[armkc.Extension]{
		collection: "extensions",
		noun:       "extension",
		nouns:      "extensions",
		scrub:      withoutProtectedSettings,
	}
}

// GetExtension returns an extension of a cluster.
func (c *Client) GetExtension(ctx context.Context, cluster armid.ClusterID, name string) (*armkc.Extension, error) {
	return extensions().get(ctx, c, cluster, name)
}

// PutExtension creates or replaces an extension and returns the hub's answer; created says
// whether the extension is new. The hub answers at once: the agent installs it later, and
// provisioningState says how far it got.
func (c *Client) PutExtension(ctx context.Context, cluster armid.ClusterID, name string, body armkc.Extension) (ext *armkc.Extension, created bool, err error) {
	resp, err := extensions().send(ctx, c, http.MethodPut, cluster, name, body, http.StatusOK, http.StatusCreated)
	if err != nil {
		return nil, false, err
	}
	ext, err = extensions().decode(resp)
	return ext, resp.status == http.StatusCreated, err
}

// PatchExtension changes the updatable properties of an extension. It returns the hub's
// answer, or nil when the hub accepted the change without a body (202).
func (c *Client) PatchExtension(ctx context.Context, cluster armid.ClusterID, name string, patch armkc.PatchExtension) (*armkc.Extension, error) {
	return extensions().patch(ctx, c, cluster, name, patch)
}

// DeleteExtension asks the hub to delete an extension; force removes it from the hub without
// waiting for the agent to uninstall it (?forceDelete=true). It reports false when there was
// no such extension, which ARM treats as success.
func (c *Client) DeleteExtension(ctx context.Context, cluster armid.ClusterID, name string, force bool) (bool, error) {
	return extensions().delete(ctx, c, cluster, name, force)
}

// ListExtensions pages through the extensions of a cluster, following the hub's nextLinks.
func (c *Client) ListExtensions(cluster armid.ClusterID) *runtime.Pager[armkc.ExtensionsList] {
	return listNested(c, extensions(), cluster, func(page armkc.ExtensionsList) ([]*armkc.Extension, *string) {
		return page.Value, page.NextLink
	})
}

// withoutProtectedSettings drops protected settings from an extension the hub returned. The
// hub never returns them; dropping them here means arcctl cannot show them even if one did.
func withoutProtectedSettings(ext *armkc.Extension) {
	if ext != nil && ext.Properties != nil {
		ext.Properties.ConfigurationProtectedSettings = nil
	}
}
