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
	"errors"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/kubearc/kubearc/pkg/armid"
)

// userCredentialRequest is ListClusterUserCredentialProperties.
type userCredentialRequest struct {
	AuthenticationMethod string `json:"authenticationMethod"`
	ClientProxy          bool   `json:"clientProxy"`
}

// userCredentialResults is CredentialResults.
type userCredentialResults struct {
	Kubeconfigs []struct {
		Name  string `json:"name"`
		Value []byte `json:"value"`
	} `json:"kubeconfigs"`
}

// ListClusterUserCredential returns the kubeconfig the hub hands out for the cluster's proxy
// endpoint (POST .../listClusterUserCredential, authenticationMethod Token).
func (c *Client) ListClusterUserCredential(ctx context.Context, id armid.ClusterID) ([]byte, error) {
	req, err := c.newRequest(ctx, http.MethodPost, clusterPath(id)+"/listClusterUserCredential", apiVersion(ClustersAPIVersion))
	if err != nil {
		return nil, err
	}
	if err := runtime.MarshalAsJSON(req, userCredentialRequest{AuthenticationMethod: "Token"}); err != nil {
		return nil, fmt.Errorf("encoding the credential request: %w", err)
	}
	results, err := receive[userCredentialResults](c, req, "the hub's answer", http.StatusOK)
	if err != nil {
		return nil, err
	}
	if len(results.Kubeconfigs) == 0 || len(results.Kubeconfigs[0].Value) == 0 {
		return nil, errors.New("the hub answered no kubeconfig for the cluster")
	}
	return results.Kubeconfigs[0].Value, nil
}
