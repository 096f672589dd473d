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
	"crypto/ecdsa"
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
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/agentpubkey/agentpubkeytest"
)

// Options says where and how the hub under test runs.
type Options struct {
	// Listen is the address to listen on; empty means "127.0.0.1:0". A restart passes the
	// previous hub's Addr to come back on the same address.
	Listen string
	// DataDir is the hub's data directory; empty means a new temporary directory that Stop
	// removes.
	DataDir string
	// Clock, when set, is the hub's clock, which the test moves.
	Clock *Clock
	// Configure, when set, adjusts the hub's configuration (page size, bookmark interval,
	// certificate lifetime, …) before it starts. Ready is set by Start.
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

	// Clock is the hub's clock when Options set one.
	Clock *Clock

	opts   Options
	server *server.Hub
	client *http.Client
	// ownedDir says Start created the data directory; removedDir that Stop removed it.
	ownedDir, removedDir bool
	cancel               context.CancelFunc
	done                 chan error
	stopOnce             sync.Once
	stopErr              error
}

// Start runs a hub and returns once it serves. The hub runs until Stop or until ctx ends;
// Stop must be called either way.
func Start(ctx context.Context, opts Options) (*Hub, error) {
	h := &Hub{done: make(chan error, 1), opts: opts, Clock: opts.Clock}
	cfg, err := h.config(opts)
	if err != nil {
		return nil, err
	}
	ready := make(chan string, 1)
	cfg.Ready = func(addr string) { ready <- addr }
	if h.server, err = server.New(ctx, cfg); err != nil {
		return nil, errors.Join(fmt.Errorf("the hub did not start: %w", err), h.removeDir())
	}
	runCtx, cancel := context.WithCancel(ctx)
	h.cancel = cancel
	go func() {
		err := h.server.Serve(runCtx)
		h.server.Close() // before Stop returns, so that a restart can open the store again
		h.done <- err
	}()
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
	if opts.Clock != nil {
		cfg.Now = opts.Clock.Now
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

// Store is the running hub's store, for tests that look at or change what it holds.
func (h *Hub) Store() store.Store { return h.server.Store() }

// Stop shuts the hub down gracefully and returns how its server ended; it removes a data
// directory that Start created. Later calls return the same result.
func (h *Hub) Stop() error {
	_ = h.shutdown() // its result is kept in h.stopErr
	if h.ownedDir {
		h.stopErr = errors.Join(h.stopErr, h.removeDir())
		h.ownedDir, h.removedDir = false, true
	}
	return h.stopErr
}

// Restart stops the hub and starts it again with the same options on the same address and
// data directory, which then belongs to the new hub; the clock and data stay. A hub stopped
// already restarts only when the test gave its data directory: Stop removes one Start made.
func (h *Hub) Restart(ctx context.Context) (*Hub, error) {
	if h.removedDir {
		return nil, errors.New("the hub's data directory went with Stop; give Options.DataDir to restart a stopped hub")
	}
	if err := h.shutdown(); err != nil {
		return nil, err
	}
	opts := h.opts
	opts.Listen, opts.DataDir = h.Addr, h.DataDir
	next, err := Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	next.ownedDir, h.ownedDir = h.ownedDir, false
	return next, nil
}

// shutdown stops the server once and returns how it ended.
func (h *Hub) shutdown() error {
	h.stopOnce.Do(func() {
		if h.client != nil {
			h.client.CloseIdleConnections()
		}
		if h.cancel == nil { // never served
			return
		}
		h.cancel()
		if err := <-h.done; err != nil {
			h.stopErr = fmt.Errorf("hub shutdown: %w", err)
		}
	})
	return h.stopErr
}

// removeDir removes a data directory that Start created.
func (h *Hub) removeDir() error {
	if !h.ownedDir {
		return nil
	}
	if err := os.RemoveAll(h.DataDir); err != nil {
		return fmt.Errorf("removing the hub's data directory: %w", err)
	}
	return nil
}

// AgentKey returns a new cluster agent key and its agentPublicKeyCertificate, as an agent
// generates them; it fails the test when it cannot.
func AgentKey(t agentpubkeytest.TB) (*ecdsa.PrivateKey, string) {
	t.Helper()
	return agentpubkeytest.NewKey(t)
}
