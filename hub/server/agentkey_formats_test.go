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
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/hybridkubernetes/armhybridkubernetes"

	"github.com/kubearc/kubearc/pkg/agentpubkey/agentpubkeytest"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/seal"
)

// putWithSDK creates or replaces the cluster name with the official client, with the
// agentPublicKeyCertificate public, and returns the HTTP status of the PUT.
func putWithSDK(th *testHub, name, public string) (int, error) {
	c := sdkClient(th, armhybridkubernetes.NewConnectedClusterClient)
	var resp *http.Response
	poller, err := c.BeginCreate(policy.WithCaptureResponse(context.Background(), &resp), rg, name, armhybridkubernetes.ConnectedCluster{
		Location:   to.Ptr("westeurope"),
		Identity:   &armhybridkubernetes.ConnectedClusterIdentity{Type: to.Ptr(armhybridkubernetes.ResourceIdentityTypeSystemAssigned)},
		Properties: &armhybridkubernetes.ConnectedClusterProperties{AgentPublicKeyCertificate: to.Ptr(public)},
	}, nil)
	if err != nil {
		return 0, err
	}
	got, err := poller.PollUntilDone(context.Background(), &runtime.PollUntilDoneOptions{Frequency: 10 * time.Millisecond})
	if err != nil {
		return 0, err
	}
	if *got.Properties.AgentPublicKeyCertificate != public {
		th.t.Errorf("the hub answers agentPublicKeyCertificate %q, not the key it was sent", *got.Properties.AgentPublicKeyCertificate)
	}
	return resp.StatusCode, nil
}

// putProtectedExtension gives cluster an extension whose protected setting is secret.
func (th *testHub) putProtectedExtension(cluster, secret string) {
	th.t.Helper()
	body := extBody(map[string]any{"extensionType": "flux", "configurationProtectedSettings": map[string]any{"git.password": secret}})
	if r := th.do(http.MethodPut, extensionPath(cluster, "flux")+apiExt, th.AdminToken, body); r.status != http.StatusCreated {
		th.t.Fatalf("creating the extension: %d %s", r.status, r.raw)
	}
}

// opensProtected reports whether key opens the protected settings the agent is delivered and
// finds secret in them.
func (th *testHub) opensProtected(agent *http.Client, key agentKey, secret string) bool {
	th.t.Helper()
	_, spec := th.desiredExtension(agent, "flux")
	if spec == nil {
		th.t.Fatal("the agent has no desired extension flux")
	}
	plain, err := seal.OpenAgent(key.key, spec.ProtectedSettings)
	return err == nil && strings.Contains(string(plain), secret)
}

// TestAzureCLIKeyWithTheSDK registers a cluster as `az connectedk8s connect` does: the
// official client sends a 4096-bit RSA key as base64 DER PKCS#1. The cluster then works: its
// agent registers with the key and opens the protected settings sealed for it.
func TestAzureCLIKeyWithTheSDK(t *testing.T) {
	th := newTestHub(t)
	priv, public := agentpubkeytest.NewAzureCLIKey(t)
	key := agentKey{key: priv, public: public}
	if status, err := putWithSDK(th, "az-1", public); err != nil || status != http.StatusCreated {
		t.Fatalf("creating a cluster with a PKCS#1 key: %d %v, want 201", status, err)
	}
	if status, err := putWithSDK(th, "az-1", public); err != nil || status != http.StatusOK {
		t.Fatalf("putting it again: %d %v, want 200", status, err)
	}
	r, cert := th.register(clusterPath(sub, rg, "az-1"), key)
	if cert == nil {
		t.Fatalf("registering with the RSA key: %d %s", r.status, r.raw)
	}
	agent := th.client(cert)
	if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{}); r.status != http.StatusOK {
		t.Fatalf("heartbeat with the RSA key's certificate: %d %s", r.status, r.raw)
	}
	if got := th.do(http.MethodGet, clusterPath(sub, rg, "az-1")+api2024, th.AdminToken, nil); got.props()["connectivityStatus"] != "Connected" {
		t.Errorf("the cluster is %v after a heartbeat, want Connected", got.props()["connectivityStatus"])
	}
	th.putProtectedExtension("az-1", "rsa-canary")
	if !th.opensProtected(agent, key, "rsa-canary") {
		t.Error("the RSA agent key does not open its protected settings")
	}
}

// TestKeyRotationFromECDSAToRSA moves a cluster from the agent's ECDSA key to an az-style
// RSA key: the old certificate and key stop working, the new key registers and opens the
// protected settings, re-sealed for it.
func TestKeyRotationFromECDSAToRSA(t *testing.T) {
	th := newTestHub(t)
	oldAgent, oldKey := th.agent("c1")
	th.putProtectedExtension("c1", "rotate-canary")
	if !th.opensProtected(oldAgent, oldKey, "rotate-canary") {
		t.Fatal("the ECDSA key does not open its protected settings")
	}
	priv, public := agentpubkeytest.NewAzureCLIKey(t)
	newKey := agentKey{key: priv, public: public}
	if status, err := putWithSDK(th, "c1", public); err != nil || status != http.StatusOK {
		t.Fatalf("rotating to the RSA key: %d %v, want 200", status, err)
	}
	if r := th.send(oldAgent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{}); r.status != http.StatusForbidden || r.body["code"] != "ClusterCredentialRevoked" {
		t.Errorf("the ECDSA key's certificate after the rotation: %d %s, want 403 ClusterCredentialRevoked", r.status, r.raw)
	}
	if r, _ := th.register(clusterPath(sub, rg, "c1"), oldKey); r.status != http.StatusNotFound {
		t.Errorf("registering with the old key: %d %s, want 404", r.status, r.raw)
	}
	r, cert := th.register(clusterPath(sub, rg, "c1"), newKey)
	if cert == nil {
		t.Fatalf("registering with the RSA key: %d %s", r.status, r.raw)
	}
	newAgent := th.client(cert)
	if !th.opensProtected(newAgent, newKey, "rotate-canary") {
		t.Error("the RSA key does not open the re-sealed protected settings")
	}
	if th.opensProtected(newAgent, oldKey, "rotate-canary") {
		t.Error("the old ECDSA key still opens the protected settings")
	}
}

// TestUnsupportedAgentKeysWithTheSDK: the official client gets a 400 that says which keys
// work, never a 5xx.
func TestUnsupportedAgentKeysWithTheSDK(t *testing.T) {
	th := newTestHub(t)
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edDER, err := x509.MarshalPKIXPublicKey(edPub)
	if err != nil {
		t.Fatal(err)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct{ public, want string }{
		"Ed25519":         {base64.StdEncoding.EncodeToString(edDER), "use RSA (2048 to 8192 bits) or ECDSA P-256/P-384"},
		"PKCS#1 RSA 1024": {base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&small.PublicKey)), "at least 2048 are needed"},
		"garbage":         {base64.StdEncoding.EncodeToString([]byte("garbage")), "a PKIX SubjectPublicKeyInfo (RSA or ECDSA) or a PKCS#1 RSAPublicKey"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := putWithSDK(th, "bad", tt.public)
			var respErr *azcore.ResponseError
			if !errors.As(err, &respErr) || respErr.StatusCode != http.StatusBadRequest || respErr.ErrorCode != "InvalidParameter" ||
				!strings.Contains(err.Error(), tt.want) {
				t.Errorf("PUT: %v, want a 400 InvalidParameter saying %q", err, tt.want)
			}
		})
	}
}
