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

package loadgen

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// apiVersion is the connectedClusters api-version the generator speaks.
const apiVersion = "2024-01-01"

// errUnanswered marks a call that got no answer (the connection failed or broke): not an
// acknowledged write.
var errUnanswered = errors.New("no answer")

// desiredAgentVersion GETs the cluster and returns its arcAgentProfile.desiredAgentVersion.
func (a *admin) desiredAgentVersion(ctx context.Context, path string) (string, error) {
	var cluster struct {
		Properties struct {
			ArcAgentProfile struct {
				DesiredAgentVersion string `json:"desiredAgentVersion"`
			} `json:"arcAgentProfile"`
		} `json:"properties"`
	}
	err := a.do(ctx, call{method: http.MethodGet, path: path + "?api-version=" + apiVersion, asAdmin: true,
		out: &cluster, want: []int{http.StatusOK}})
	return cluster.Properties.ArcAgentProfile.DesiredAgentVersion, err
}

// admin is the user side of the hub: the ARM API with the admin token, and registration
// (which needs no credential but the agent's CSR). One HTTP/2 connection carries it all.
type admin struct {
	hub    *Hub
	client *http.Client
}

func newAdmin(h *Hub) *admin {
	return &admin{hub: h, client: &http.Client{Transport: newTransport(h.CA, nil), Timeout: time.Minute}}
}

// newTransport returns an HTTP/2-capable transport trusting ca and presenting cert, if any.
// Each agent gets its own: its client certificate belongs to its own TLS connection.
func newTransport(ca *x509.CertPool, cert *tls.Certificate) *http.Transport {
	cfg := &tls.Config{RootCAs: ca, MinVersion: tls.VersionTLS12}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return &http.Transport{
		TLSClientConfig:     cfg,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 1,
		TLSHandshakeTimeout: 30 * time.Second,
	}
}

// clusterPath is the ARM path of a connectedCluster.
func clusterPath(sub, rg, name string) string {
	return "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Kubernetes/connectedClusters/" + name
}

// call is one JSON exchange with the hub.
type call struct {
	method, path string
	// asAdmin sends the admin token; registration is sent without one, as an agent would.
	asAdmin bool
	body    any
	// out, when non-nil, receives the decoded answer.
	out any
	// want are the statuses that mean success.
	want []int
}

// do makes the call. An answer other than one of c.want is an error carrying the hub's message.
func (a *admin) do(ctx context.Context, c call) error {
	data, err := json.Marshal(c.body)
	if err != nil {
		return fmt.Errorf("encoding %s %s: %w", c.method, c.path, err)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, a.hub.URL+c.path, bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("building %s %s: %w", c.method, c.path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.asAdmin {
		req.Header.Set("Authorization", "Bearer "+a.hub.Token)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w: %w", c.method, c.path, errUnanswered, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the answer to %s %s: %w", c.method, c.path, err)
	}
	if !slices.Contains(c.want, resp.StatusCode) {
		return fmt.Errorf("%s %s: %s: %s", c.method, c.path, resp.Status, bytes.TrimSpace(raw))
	}
	if c.out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, c.out); err != nil {
		return fmt.Errorf("decoding the answer to %s %s: %w", c.method, c.path, err)
	}
	return nil
}

// createCluster PUTs a connectedCluster whose agent key is publicKey.
func (a *admin) createCluster(ctx context.Context, path, publicKey string) error {
	body := map[string]any{
		"location": "westeurope",
		"tags":     map[string]string{"bench": "hubload"},
		"identity": map[string]any{"type": "SystemAssigned"},
		"properties": map[string]any{
			"agentPublicKeyCertificate": publicKey,
			"distribution":              "k3s",
			"infrastructure":            "bare_metal",
		},
	}
	return a.do(ctx, call{method: http.MethodPut, path: path + "?api-version=" + apiVersion, asAdmin: true, body: body,
		want: []int{http.StatusCreated, http.StatusOK}})
}

// setDesiredAgentVersion PATCHes the cluster's arcAgentProfile.desiredAgentVersion.
func (a *admin) setDesiredAgentVersion(ctx context.Context, path, version string) error {
	body := map[string]any{"properties": map[string]any{"arcAgentProfile": map[string]any{"desiredAgentVersion": version}}}
	return a.do(ctx, call{method: http.MethodPatch, path: path + "?api-version=" + apiVersion, asAdmin: true, body: body,
		want: []int{http.StatusOK}})
}

// registration is an agent's key and the client certificate the hub issued for it.
type registration struct {
	key     *ecdsa.PrivateKey
	certPEM []byte
	tls     *tls.Certificate
}

// register proves possession of key for the cluster and returns its client certificate.
func (a *admin) register(ctx context.Context, clusterID string, key *ecdsa.PrivateKey) (registration, error) {
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "agent"}}, key)
	if err != nil {
		return registration{}, fmt.Errorf("creating the CSR of %s: %w", clusterID, err)
	}
	req := protocol.RegisterRequest{ResourceID: clusterID, CSR: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))}
	var resp protocol.RegisterResponse
	if err := a.do(ctx, call{method: http.MethodPost, path: protocol.PathRegister, body: req, out: &resp, want: []int{http.StatusOK}}); err != nil {
		return registration{}, err
	}
	block, _ := pem.Decode([]byte(resp.Certificate))
	if block == nil {
		return registration{}, fmt.Errorf("registering %s: the answer holds no PEM certificate", clusterID)
	}
	return registration{key: key, certPEM: []byte(resp.Certificate),
		tls: &tls.Certificate{Certificate: [][]byte{block.Bytes}, PrivateKey: key}}, nil
}
