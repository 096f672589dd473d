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

package armapi

import (
	"net/http"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/tunnel"
	"github.com/kubearc/kubearc/pkg/armid"
)

const opListUserCredential = "Microsoft.Kubernetes/connectedClusters/listClusterUserCredential/action"

// authenticationMethodToken is the only authentication method the hub offers: the hub's
// bearer tokens (Arc's other one, AAD, needs Microsoft Entra ID).
const authenticationMethodToken = "Token"

// credentialUserName is the name of the kubeconfig in the answer, as Arc names it.
const credentialUserName = "credentialUser"

// credentialRequest is ListClusterUserCredentialProperties.
type credentialRequest struct {
	AuthenticationMethod *string `json:"authenticationMethod"`
	ClientProxy          *bool   `json:"clientProxy"`
}

// credentialResults is CredentialResults; hybridConnectionConfig (an Azure Relay) has no
// equivalent on the hub: the agent's tunnel ends at the hub itself.
type credentialResults struct {
	Kubeconfigs []credentialResult `json:"kubeconfigs"`
}

// credentialResult is one kubeconfig; Value marshals to base64 as the spec has it.
type credentialResult struct {
	Name  string `json:"name"`
	Value []byte `json:"value"`
}

// listClusterUserCredential answers a kubeconfig for the hub's proxy endpoint of the
// cluster: the server is the hub as the caller reached it, trusted through the hub's CA. It
// holds no secret: the user entry runs "arcctl connectedk8s get-token", which prints the
// caller's arcctl token. Like the proxy, it needs the Reader role on the cluster.
func (a *API) listClusterUserCredential(r *http.Request) (int, any, error) {
	_, id, err := a.clusterRequest(r, auth.Read, opListUserCredential)
	if err != nil {
		return 0, nil, err
	}
	var req credentialRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if err := validateCredentialRequest(req); err != nil {
		return 0, nil, err
	}
	if _, _, err := a.loadCluster(r, id); err != nil {
		return 0, nil, err
	}
	kubeconfig, err := clientcmd.Write(*a.userKubeconfig("https://"+r.Host, id))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, credentialResults{Kubeconfigs: []credentialResult{{Name: credentialUserName, Value: kubeconfig}}}, nil
}

func validateCredentialRequest(req credentialRequest) error {
	switch {
	case req.AuthenticationMethod == nil:
		return badRequest(codeMissingProperty, "The request body must set authenticationMethod to 'Token'.")
	case *req.AuthenticationMethod != authenticationMethodToken:
		return badRequest(codeInvalidParameter, "authenticationMethod '%s' is not supported by this hub; use 'Token' (hub bearer tokens).", *req.AuthenticationMethod)
	case req.ClientProxy == nil:
		return badRequest(codeMissingProperty, "The request body must set clientProxy (false: the kubeconfig points at the hub's proxy endpoint).")
	case *req.ClientProxy:
		return badRequest(codeInvalidParameter, "clientProxy true is not supported: 'arcctl connectedk8s proxy' runs the client-side proxy itself; send clientProxy false.")
	}
	return nil
}

// userKubeconfig is the kubeconfig of cluster id through the hub at hubURL.
func (a *API) userKubeconfig(hubURL string, id armid.ClusterID) *clientcmdapi.Config {
	user := "clusterUser_" + id.ResourceGroup + "_" + id.Name
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[id.Name] = &clientcmdapi.Cluster{Server: tunnel.ProxyURL(hubURL, id), CertificateAuthorityData: a.HubCAPEM}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
		APIVersion: "client.authentication.k8s.io/v1", Command: "arcctl",
		Args:            []string{"connectedk8s", "get-token"},
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		InstallHint:     "install arcctl and log in to the hub with 'arcctl login'",
	}}
	cfg.Contexts[id.Name] = &clientcmdapi.Context{Cluster: id.Name, AuthInfo: user}
	cfg.CurrentContext = id.Name
	return cfg
}
