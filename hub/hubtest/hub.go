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

// Package hubtest runs a real kubearc hub in-process for tests: it serves HTTPS on a loopback
// port from a data directory, and offers the admin token, the hub's CA and a few management
// API calls. It is for tests only and reports errors instead of taking a testing.T, so that
// Ginkgo suites can use it in BeforeSuite as well.
package hubtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/server"
)

// Options says where and how the hub under test runs.
type Options struct {
	// Listen is the address to listen on; empty means "127.0.0.1:0". A restart passes the
	// previous hub's Addr to come back on the same address.
	Listen string
	// DataDir is the hub's data directory; empty means a new temporary directory that Stop
	// removes.
	DataDir string
	// Configure, when set, adjusts the hub's configuration (clock, page size, bookmark
	// interval, certificate lifetime, …) before it starts. Ready is set by Start.
	Configure func(*server.Config)
}

// Hub is a hub running in-process.
type Hub struct {
	// Addr is the address the hub listens on, host:port.
	Addr string
	// URL is the hub's base URL, https://Addr.
	URL string
	// DataDir is the hub's data directory.
	DataDir string
	// AdminToken is the bootstrap admin's bearer token.
	AdminToken string
	// CAFile is the path of the hub's CA certificate; CAPEM is its content.
	CAFile string
	CAPEM  []byte

	client   *http.Client
	ownedDir bool
	cancel   context.CancelFunc
	done     chan error
	stopOnce sync.Once
	stopErr  error
}

// Start runs a hub and returns once it serves. The hub runs until Stop or until ctx ends;
// Stop must be called either way.
func Start(ctx context.Context, opts Options) (*Hub, error) {
	h := &Hub{done: make(chan error, 1)}
	cfg, err := h.config(opts)
	if err != nil {
		return nil, err
	}
	ready := make(chan string, 1)
	cfg.Ready = func(addr string) { ready <- addr }
	runCtx, cancel := context.WithCancel(ctx)
	h.cancel = cancel
	go func() { h.done <- server.Run(runCtx, cfg) }()
	select {
	case h.Addr = <-ready:
	case err := <-h.done:
		h.done <- err
		_ = h.Stop()
		if err == nil {
			err = errors.New("it stopped before serving")
		}
		return nil, fmt.Errorf("the hub did not start: %w", err)
	case <-ctx.Done():
		_ = h.Stop()
		return nil, fmt.Errorf("waiting for the hub to start: %w", ctx.Err())
	}
	h.URL = "https://" + h.Addr
	if err := h.readCredentials(); err != nil {
		return nil, errors.Join(err, h.Stop())
	}
	h.client = h.HTTPClient()
	return h, nil
}

// config returns the hub's configuration for opts, creating a temporary data directory
// when opts has none.
func (h *Hub) config(opts Options) (server.Config, error) {
	cfg := server.Config{Listen: opts.Listen, DataDir: opts.DataDir, Log: slog.New(slog.DiscardHandler)}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.DataDir == "" {
		dir, err := os.MkdirTemp("", "kubearc-hub-")
		if err != nil {
			return cfg, fmt.Errorf("creating the hub's data directory: %w", err)
		}
		cfg.DataDir, h.ownedDir = dir, true
	}
	if opts.Configure != nil {
		opts.Configure(&cfg)
	}
	h.DataDir = cfg.DataDir
	return cfg, nil
}

// readCredentials reads what the hub wrote to its data directory for its first users.
func (h *Hub) readCredentials() error {
	token, err := os.ReadFile(filepath.Join(h.DataDir, "admin.token"))
	if err != nil {
		return fmt.Errorf("reading the admin token: %w", err)
	}
	h.AdminToken = strings.TrimSpace(string(token))
	h.CAFile = filepath.Join(h.DataDir, "ca.crt")
	if h.CAPEM, err = os.ReadFile(h.CAFile); err != nil {
		return fmt.Errorf("reading the hub CA: %w", err)
	}
	return nil
}

// HTTPClient returns a new HTTPS client that trusts the hub's CA.
func (h *Hub) HTTPClient() *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(h.CAPEM)
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// Stop shuts the hub down gracefully and returns how its server ended; it removes a data
// directory that Start created. Later calls return the same result.
func (h *Hub) Stop() error {
	h.stopOnce.Do(func() {
		if h.client != nil {
			h.client.CloseIdleConnections()
		}
		h.cancel()
		if err := <-h.done; err != nil {
			h.stopErr = fmt.Errorf("hub shutdown: %w", err)
		}
		if h.ownedDir {
			if err := os.RemoveAll(h.DataDir); err != nil {
				h.stopErr = errors.Join(h.stopErr, fmt.Errorf("removing the hub's data directory: %w", err))
			}
		}
	})
	return h.stopErr
}
