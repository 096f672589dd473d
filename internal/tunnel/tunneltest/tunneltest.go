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

// Package tunneltest runs cluster connect end to end for tests and benchmarks: envtest's
// kube-apiserver, a real hub (hub/hubtest) and an agent's tunnel (internal/tunnel) in-process.
// It reports errors instead of taking a testing.T, so TestMain and programs can use it.
package tunneltest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/hub/hubtest"
	hubtunnel "github.com/kubearc/kubearc/hub/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
	"github.com/kubearc/kubearc/pkg/armid"
)

// RepoFile returns the path of a file of the repository, e.g. "bin/k8s".
func RepoFile(rel string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", rel)
}

// EnvtestBinary returns the path of a binary built by make envtest (kubectl, kube-apiserver).
func EnvtestBinary(name string) (string, error) {
	matches, _ := filepath.Glob(filepath.Join(RepoFile("bin/k8s"), "*-*-*", name))
	if len(matches) == 0 {
		return "", fmt.Errorf("no %s in bin/k8s: run make envtest", name)
	}
	sort.Strings(matches)
	return matches[len(matches)-1], nil
}

// StartAPIServer starts kube-apiserver and etcd from bin/k8s (or KUBEBUILDER_ASSETS). The
// tunnel needs no CRD in the cluster: an Agent's ArcConnection lives in a fake client.
func StartAPIServer() (*envtest.Environment, *rest.Config, error) {
	return StartEnvironment(&envtest.Environment{})
}

// StartEnvironment starts env (e.g. with CRDs to install) from bin/k8s, or
// KUBEBUILDER_ASSETS when it is set.
func StartEnvironment(env *envtest.Environment) (*envtest.Environment, *rest.Config, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		apiServer, err := EnvtestBinary("kube-apiserver")
		if err != nil {
			return nil, nil, err
		}
		env.BinaryAssetsDirectory = filepath.Dir(apiServer)
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, nil, fmt.Errorf("starting envtest: %w", err)
	}
	return env, cfg, nil
}

// Agent is one cluster's agent: its registered hub client and its running tunnel.
type Agent struct {
	// Hub is the agent's registered client of the hub.
	Hub *agentclient.Client
	// key is the agent key, for TLSConfig.
	key   *ecdsa.PrivateKey
	caPEM []byte
	// Status holds the ArcConnection (cluster connect enabled) the tunnel reads and writes.
	Status  client.Client
	handler http.Handler
	cancel  context.CancelFunc
	done    chan struct{}
}

// StartAgent creates (or updates) cluster id on the hub with a new agent key, registers the
// agent and starts its tunnel, whose requests handler serves (a tunnel.Forwarder).
func StartAgent(h *hubtest.Hub, id armid.ClusterID, handler http.Handler) (*Agent, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	pub, err := agentpubkey.Encode(key.Public())
	if err != nil {
		return nil, err
	}
	if err := PutCluster(h, id, pub); err != nil {
		return nil, err
	}
	hc, err := agentclient.New(agentclient.Options{HubURL: h.URL, ClusterID: id.String(), Key: key, HubCAPEM: h.CAPEM})
	if err != nil {
		return nil, err
	}
	if _, err := hc.Register(context.Background()); err != nil {
		return nil, err
	}
	a := &Agent{Hub: hc, handler: handler, key: key, caPEM: h.CAPEM}
	return a, a.Start()
}

// PutCluster creates or replaces the connectedCluster id with the agent key pub.
func PutCluster(h *hubtest.Hub, id armid.ClusterID, pub string) error {
	body := map[string]any{"location": "westeurope", "identity": map[string]any{"type": "SystemAssigned"},
		"properties": map[string]any{"agentPublicKeyCertificate": pub, "distribution": "k3s", "infrastructure": "bare_metal"}}
	status, raw, err := h.ARM(http.MethodPut, id.String(), h.AdminToken, body)
	if err != nil {
		return err
	}
	if status != http.StatusCreated && status != http.StatusOK {
		return fmt.Errorf("PUT %s: %d %s", id, status, raw)
	}
	return nil
}

// Start runs the tunnel, as the agent's manager would, with a quick backoff; after Stop it
// starts a new one, as an agent restart would.
func (a *Agent) Start() error {
	scheme := kruntime.NewScheme()
	if err := arcv1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	conn := &arcv1alpha1.ArcConnection{ObjectMeta: metav1.ObjectMeta{Name: arcv1alpha1.ArcConnectionName},
		Spec: arcv1alpha1.ArcConnectionSpec{ClusterConnect: arcv1alpha1.ClusterConnectSpec{Enabled: true}}}
	a.Status = fake.NewClientBuilder().WithScheme(scheme).WithObjects(conn).WithStatusSubresource(conn).Build()
	t := &tunnel.Agent{Client: a.Status, HubClient: func() *agentclient.Client { return a.Hub }, Handler: a.handler,
		Log: logr.Discard(), CheckInterval: 200 * time.Millisecond,
		Backoff: wait.Backoff{Duration: 100 * time.Millisecond, Factor: 2, Jitter: 0.5, Steps: 1 << 30, Cap: time.Second}}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel, a.done = cancel, make(chan struct{})
	go func() { defer close(a.done); _ = t.Start(ctx) }()
	return nil
}

// TLSConfig presents the agent's client certificate and trusts the hub, for tests that
// talk to the hub as an agent other than the real one would (an older agent, a hostile one).
func (a *Agent) TLSConfig() (*tls.Config, error) {
	certPEM, _, ok := a.Hub.Certificate()
	if !ok {
		return nil, errors.New("the agent has no certificate")
	}
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return nil, errors.New("the agent's certificate is not PEM")
	}
	cert := tls.Certificate{Certificate: [][]byte{block.Bytes}, PrivateKey: a.key}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(a.caPEM) {
		return nil, errors.New("the hub CA holds no certificate")
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots, Certificates: []tls.Certificate{cert}}, nil
}

// Stop stops the tunnel and waits for it.
func (a *Agent) Stop() {
	a.cancel()
	<-a.done
}

// TunnelState is the state the tunnel wrote into the ArcConnection's status.
func (a *Agent) TunnelState(ctx context.Context) (arcv1alpha1.TunnelState, error) {
	obj := &arcv1alpha1.ArcConnection{}
	if err := a.Status.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, obj); err != nil {
		return "", err
	}
	if obj.Status.ClusterConnect == nil {
		return "", nil
	}
	return obj.Status.ClusterConnect.State, nil
}

// NewToken creates a hub token as the hub's admin and returns its secret.
func NewToken(h *hubtest.Hub, name, role, scope string) (string, error) {
	status, raw, err := h.ARM(http.MethodPost, "/kubearc/v1/tokens", h.AdminToken,
		map[string]string{"name": name, "role": role, "scope": scope})
	if err != nil {
		return "", err
	}
	if status != http.StatusCreated {
		return "", fmt.Errorf("creating token %s: %d %s", name, status, raw)
	}
	var v struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Token == "" {
		return "", errors.Join(errors.New("the token answer holds no secret"), err)
	}
	return v.Token, nil
}

// UserConfig is a client-go configuration for cluster id through the hub's proxy endpoint,
// as the hub token token.
func UserConfig(h *hubtest.Hub, id armid.ClusterID, token string) *rest.Config {
	return &rest.Config{Host: hubtunnel.ProxyURL(h.URL, id), BearerToken: token,
		TLSClientConfig: rest.TLSClientConfig{CAData: h.CAPEM}}
}
