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
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/hybridkubernetes/armhybridkubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// TestListClusterUserCredentialWithTheSDK asks for a cluster's kubeconfig with the Azure
// SDK's own client and checks that it points at the hub's proxy endpoint, trusting the hub's
// CA, without any secret in it.
func TestListClusterUserCredentialWithTheSDK(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "connect-1")
	res, err := sdkClient(th, armhybridkubernetes.NewConnectedClusterClient).ListClusterUserCredential(context.Background(), rg, "connect-1",
		armhybridkubernetes.ListClusterUserCredentialProperties{
			AuthenticationMethod: to.Ptr(armhybridkubernetes.AuthenticationMethodToken), ClientProxy: to.Ptr(false),
		}, nil)
	if err != nil {
		t.Fatalf("ListClusterUserCredential: %v", err)
	}
	if len(res.Kubeconfigs) != 1 || *res.Kubeconfigs[0].Name != "credentialUser" {
		t.Fatalf("kubeconfigs = %+v, want one credentialUser", res.Kubeconfigs)
	}
	kc, err := clientcmd.Load(res.Kubeconfigs[0].Value)
	if err != nil {
		t.Fatalf("the kubeconfig does not load: %v", err)
	}
	cluster := kc.Clusters[kc.Contexts[kc.CurrentContext].Cluster]
	wantServer := th.url("/kubearc/v1/proxy" + clusterPath(sub, rg, "connect-1"))
	if cluster == nil || cluster.Server != wantServer || string(cluster.CertificateAuthorityData) != string(th.CAPEM) {
		t.Fatalf("cluster = %+v, want server %s with the hub CA", cluster, wantServer)
	}
	if strings.Contains(string(res.Kubeconfigs[0].Value), th.AdminToken) {
		t.Fatal("the kubeconfig holds the caller's token")
	}
}

func TestListClusterUserCredentialErrors(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "connect-2")
	outsider := th.token(th.AdminToken, "outsider", "Owner", "/subscriptions/"+sub+"/resourceGroups/elsewhere")
	path := clusterPath(sub, rg, "connect-2") + "/listClusterUserCredential" + api2024
	tests := []struct {
		name       string
		path       string
		token      string
		body       any
		wantStatus int
		wantCode   string
	}{
		{"AAD is not offered", path, th.AdminToken, map[string]any{"authenticationMethod": "AAD", "clientProxy": false}, 400, "InvalidParameter"},
		{"authenticationMethod is required", path, th.AdminToken, map[string]any{"clientProxy": false}, 400, "MissingRequiredProperty"},
		{"clientProxy is required", path, th.AdminToken, map[string]any{"authenticationMethod": "Token"}, 400, "MissingRequiredProperty"},
		{"not JSON", path, th.AdminToken, "nope", 400, "InvalidRequestContent"},
		{"no role on the cluster", path, outsider, map[string]any{"authenticationMethod": "Token", "clientProxy": false}, 403, "AuthorizationFailed"},
		{"missing cluster", strings.Replace(path, "connect-2", "missing", 1), th.AdminToken, map[string]any{"authenticationMethod": "Token", "clientProxy": false}, 404, "ResourceNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.do(http.MethodPost, tt.path, tt.token, tt.body)
			if r.status != tt.wantStatus || !strings.Contains(r.raw, `"code":"`+tt.wantCode+`"`) {
				t.Fatalf("got %d %s, want %d %s", r.status, r.raw, tt.wantStatus, tt.wantCode)
			}
		})
	}
	var respErr *azcore.ResponseError
	_, err := sdkClient(th, armhybridkubernetes.NewConnectedClusterClient).ListClusterUserCredential(context.Background(), rg, "connect-2",
		armhybridkubernetes.ListClusterUserCredentialProperties{
			AuthenticationMethod: to.Ptr(armhybridkubernetes.AuthenticationMethodAAD), ClientProxy: to.Ptr(false)}, nil)
	if !errors.As(err, &respErr) || respErr.StatusCode != http.StatusBadRequest {
		t.Fatalf("the SDK with AAD: %v, want a 400 ResponseError", err)
	}
}
