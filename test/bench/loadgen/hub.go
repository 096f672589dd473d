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
	"context"
	"crypto/x509"
	"errors"
	"fmt"
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

// Hub is the hub under load: where it serves, how to reach it as the admin and, when the
// generator can see it, its process.
type Hub struct {
	// URL is the hub's base URL, e.g. https://127.0.0.1:8443.
	URL string
	// Token is a bearer token allowed to create and change connectedClusters.
	Token string
	// CA verifies the hub's serving certificate; CAPEM is the same in PEM.
	CA    *x509.CertPool
	CAPEM []byte
	// PID is the hub's process ID for CPU and memory readings; empty when unknown.
	PID string
	// MetricsURL is the base URL /metrics is read from when it is not URL: with several
	// replicas behind a load balancer, the replica whose process PID is.
	MetricsURL string
	// LogPath is the log file of a hub the generator started.
	LogPath string

	stop func() error
	kill func() error
}

// HubProcess says how to start a hub: `kubearc-hub serve` on a loopback port and a fresh
// data directory.
type HubProcess struct {
	// Binary is the kubearc-hub executable.
	Binary string
	// DataDir is the hub's data directory; it should be empty.
	DataDir string
	// FlushInterval is --heartbeat-flush-interval.
	FlushInterval time.Duration
	// LogLevel is --log-level.
	LogLevel string
	// Store is --store: empty for SQLite in the data directory, or a postgres:// DSN.
	Store string
	// ReplicaID is --replica-id of one of several replicas sharing Store; its --peer-url is
	// its own listen address. Empty for a hub alone.
	ReplicaID string
	// ExtraArgs are appended to the command line.
	ExtraArgs []string
}

// args returns the command line of `kubearc-hub serve` listening on listen.
func (p HubProcess) args(listen string) []string {
	args := []string{"serve", "--listen", listen, "--data-dir", p.DataDir,
		"--heartbeat-flush-interval", p.FlushInterval.String(), "--log-level", p.LogLevel}
	if p.Store != "" {
		args = append(args, "--store", p.Store)
	}
	if p.ReplicaID != "" {
		args = append(args, "--replica-id", p.ReplicaID, "--peer-url", "https://"+listen)
	}
	return append(args, p.ExtraArgs...)
}

// StartHub starts the hub as a child process and waits until it serves. The child gets
// SIGTERM when ctx ends or Stop is called.
func StartHub(ctx context.Context, p HubProcess) (*Hub, error) {
	port, err := freePort(ctx)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(p.DataDir, "hub.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("creating the hub log: %w", err)
	}
	defer func() { _ = logFile.Close() }() // the child has its own descriptor
	listen := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.CommandContext(ctx, p.Binary, p.args(listen)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	ConfigureChild(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", p.Binary, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	h := &Hub{URL: "https://" + listen, PID: strconv.Itoa(cmd.Process.Pid), LogPath: logPath}
	h.stop = func() error { return stopChild(cmd, exited) }
	h.kill = func() error { return killChild(cmd, exited) }
	if err := h.waitReady(ctx, p.DataDir, exited); err != nil {
		_ = h.Stop()
		return nil, fmt.Errorf("%w (hub log: %s)", err, logPath)
	}
	return h, nil
}

// AttachHub describes a hub that is already running. pid may be empty.
func AttachHub(url, token, caFile, pid string) (*Hub, error) {
	pool, err := loadCA(caFile)
	if err != nil {
		return nil, err
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("reading the hub CA: %w", err)
	}
	return &Hub{URL: strings.TrimSuffix(url, "/"), Token: token, CA: pool, CAPEM: pem, PID: pid}, nil
}

// Kill ends a hub the generator started with SIGKILL, as a crash would, and waits for it to
// exit; it does nothing for an attached hub.
func (h *Hub) Kill() error {
	if h.kill == nil {
		return nil
	}
	kill := h.kill
	h.stop, h.kill = nil, nil
	return kill()
}

func killChild(cmd *exec.Cmd, exited <-chan error) error {
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("killing the hub: %w", err)
	}
	if err := <-exited; err == nil {
		return errors.New("the hub exited by itself before SIGKILL reached it")
	}
	return nil // "signal: killed" is the expected outcome
}

// Stop ends a hub the generator started, gracefully; it does nothing for an attached hub.
func (h *Hub) Stop() error {
	if h.stop == nil {
		return nil
	}
	stop := h.stop
	h.stop, h.kill = nil, nil
	return stop()
}

func stopChild(cmd *exec.Cmd, exited <-chan error) error {
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stopping the hub: %w", err)
	}
	select {
	case err := <-exited:
		if err != nil {
			return fmt.Errorf("the hub exited: %w", err)
		}
		return nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		return errors.New("the hub did not stop within 30s of SIGTERM; killed it")
	}
}

// waitReady waits for the admin token and the CA in the data directory, then for /healthz.
func (h *Hub) waitReady(ctx context.Context, dataDir string, exited <-chan error) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("the hub exited at start: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if h.CA == nil && h.readCredentials(dataDir) != nil {
			continue
		}
		if h.healthy(ctx) {
			return nil
		}
	}
	return errors.New("the hub did not become healthy within 60s")
}

func (h *Hub) readCredentials(dataDir string) error {
	token, err := os.ReadFile(filepath.Join(dataDir, "admin.token"))
	if err != nil {
		return fmt.Errorf("reading the admin token: %w", err)
	}
	caPath := filepath.Join(dataDir, "ca.crt")
	pool, err := loadCA(caPath)
	if err != nil {
		return err
	}
	pem, err := os.ReadFile(caPath)
	if err != nil {
		return fmt.Errorf("reading the hub CA: %w", err)
	}
	h.Token, h.CA, h.CAPEM = strings.TrimSpace(string(token)), pool, pem
	return nil
}

func (h *Hub) healthy(ctx context.Context) bool {
	c := &http.Client{Transport: newTransport(h.CA, nil), Timeout: 2 * time.Second}
	defer c.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.URL+"/healthz", http.NoBody)
	if err != nil {
		return false
	}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func loadCA(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the hub CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return pool, nil
}

// freePort asks the kernel for a loopback port that is free now.
func freePort(ctx context.Context) (int, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
