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

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	benchSubscription = "00000000-0000-0000-0000-0000000000be"
	benchGroup        = "bench"
	benchCluster      = "bench"
	fluxAPIVersion    = "2023-05-01"
	// benchCatalog offers no Flux extension type: the hub then adds no Flux extension (it
	// logs a warning), so nothing but the configurations moves during the run.
	benchCatalog = `extensionTypes:
  - name: kubearc.unused
    description: Never installed; the GitOps benchmark needs no extension.
    chart: {repository: "https://charts.invalid/unused", name: unused}
    releaseTrains:
      - name: Stable
        versions: ["0.1.0"]
agent:
  chart: {repository: "oci://ghcr.io/kubearc/charts", name: kubearc-agent}
  releaseTrains:
    - name: Stable
      versions: ["0.1.0"]
`
)

// hubProcess is bin/kubearc-hub running on a free port, and an ARM client of it.
type hubProcess struct {
	dir, url, token string
	http            *http.Client
	cmd             *exec.Cmd
}

// startHub runs the hub binary with its data in dir and waits for its admin token.
func startHub(ctx context.Context, binary, dir string) (*hubProcess, error) {
	addr, err := freeAddr(ctx)
	if err != nil {
		return nil, err
	}
	catalog := filepath.Join(dir, "catalog.yaml")
	if err := os.WriteFile(catalog, []byte(benchCatalog), 0o600); err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, "hub.log"))
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "hub-data")
	cmd := exec.CommandContext(ctx, binary, "serve", "--listen", addr, "--data-dir", data, "--catalog", catalog, "--log-level", "info")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s (build it with make build): %w", binary, err)
	}
	h := &hubProcess{dir: dir, url: "https://" + addr, cmd: cmd}
	if err := h.connectAPI(data); err != nil {
		h.stop()
		return nil, err
	}
	fmt.Println("hub log:", log.Name())
	return h, nil
}

// connectAPI waits for the hub's admin token and CA and builds the ARM client.
func (h *hubProcess) connectAPI(data string) error {
	deadline := time.Now().Add(time.Minute)
	for {
		token, terr := os.ReadFile(filepath.Join(data, "admin.token"))
		ca, cerr := os.ReadFile(filepath.Join(data, "ca.crt"))
		if terr == nil && cerr == nil && len(token) > 0 && len(ca) > 0 {
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(ca) {
				return fmt.Errorf("the hub's ca.crt holds no certificate")
			}
			h.token = strings.TrimSpace(string(token))
			h.http = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
				TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: 4}}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the hub wrote no admin token within a minute: see %s", filepath.Join(h.dir, "hub.log"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (h *hubProcess) stop() {
	_ = h.cmd.Process.Signal(os.Interrupt)
	_ = h.cmd.Wait()
}

// fluxPath is the ARM path of a Flux configuration of the benchmark's cluster.
func fluxPath(name string) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Kubernetes/connectedClusters/%s"+
		"/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/%s?api-version=%s",
		benchSubscription, benchGroup, benchCluster, name, fluxAPIVersion)
}

// do sends an ARM request and returns the status and body.
func (h *hubProcess) do(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.url+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// fluxConfigBody is the ARM PUT body of a configuration syncing branch of the bench repo.
func fluxConfigBody(branch string) map[string]any {
	return map[string]any{"properties": map[string]any{
		"scope": "cluster", "namespace": fluxNamespace, "sourceKind": "GitRepository",
		"gitRepository":  map[string]any{"url": "https://git.example.com/org/fleet", "repositoryRef": map[string]any{"branch": branch}},
		"kustomizations": map[string]any{"apps": map[string]any{"path": "./apps"}},
	}}
}

// hubDoc is the part of a fluxConfiguration's GET the benchmark looks at.
type hubDoc struct {
	Properties struct {
		ComplianceState string `json:"complianceState"`
		Statuses        []struct {
			Kind             string `json:"kind"`
			StatusConditions []struct {
				Type    string `json:"type"`
				Message string `json:"message"`
			} `json:"statusConditions"`
		} `json:"statuses"`
	} `json:"properties"`
}

// connectCluster logs arcctl in to the hub and connects the cluster behind kubeconfig with
// a local agent process, as the quickstart does. It returns a function stopping the agent.
func connectCluster(ctx context.Context, h *hubProcess, arcctl, agent, kubeconfig string) (func(), error) {
	env := append(os.Environ(), "KUBEARC_CONFIG="+filepath.Join(h.dir, "arcctl.yaml"))
	run := func(stdin string, args ...string) error {
		cmd := exec.CommandContext(ctx, arcctl, args...)
		cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("arcctl %s: %w\n%s", args[0], err, out)
		}
		return nil
	}
	if err := run(h.token, "login", "--hub", h.url, "--ca-file", filepath.Join(h.dir, "hub-data", "ca.crt"),
		"--token", "-", "--subscription", benchSubscription); err != nil {
		return nil, err
	}
	if err := run("", "connectedk8s", "connect", "--name", benchCluster, "--resource-group", benchGroup,
		"--kubeconfig", kubeconfig, "--local-agent", "--agent-binary", agent, "--timeout", "2m"); err != nil {
		return nil, err
	}
	agentDir := filepath.Join(h.dir, "agents", benchCluster)
	fmt.Println("agent log:", filepath.Join(agentDir, "agent.log"))
	return func() {
		raw, err := os.ReadFile(filepath.Join(agentDir, "agent.pid"))
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(raw))); err == nil && perr == nil {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
	}, nil
}

func freeAddr(ctx context.Context) (string, error) {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}
