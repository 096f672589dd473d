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

// Package agentapi is the hub's side of the agent protocol, /agent/v1: registration by proof
// of possession, heartbeats, the desired-state list and watch stream, and status reports.
// docs/agent-protocol.md describes it. Every endpoint but registration needs the client
// certificate the hub issued, and a cluster's certificate reaches only its own data.
package agentapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/connectivity"
	"github.com/kubearc/kubearc/hub/events"
	"github.com/kubearc/kubearc/hub/pki"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// API serves /agent/v1.
type API struct {
	Store       store.Store
	Tracker     *connectivity.Tracker
	Authority   *pki.Authority
	Broadcaster *events.Broadcaster
	Log         *slog.Logger
	// CertLifetime is the lifetime of agent client certificates (default 30 days).
	CertLifetime time.Duration
	// BookmarkInterval is how often an idle watch sends a bookmark (default 30s).
	BookmarkInterval time.Duration
	// Now is the clock; tests inject one.
	Now func() time.Time
	// StatusHook, when set, is called after a status report was stored (extensions removed
	// once the agent reports them uninstalled); its error is logged, the report still succeeds.
	StatusHook func(ctx context.Context, clusterID string, items []protocol.ObjectStatus) error

	cacheOnce sync.Once
	keys      sync.Map // case-folded cluster ID → agentPublicKeyCertificate
}

// Handler returns the agent API's routes.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+protocol.PathRegister, a.register)
	mux.Handle("POST "+protocol.PathHeartbeat, a.agentOnly(a.heartbeat))
	mux.Handle("GET "+protocol.PathDesiredState, a.agentOnly(a.desiredState))
	mux.Handle("GET "+protocol.PathWatch, a.agentOnly(a.watch))
	mux.Handle("POST "+protocol.PathStatus, a.agentOnly(a.status))
	mux.HandleFunc("/agent/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "NotFound", "no agent API endpoint "+r.Method+" "+r.URL.Path)
	})
	return mux
}

func (a *API) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *API) certLifetime() time.Duration {
	if a.CertLifetime > 0 {
		return a.CertLifetime
	}
	return 30 * 24 * time.Hour
}

// loadAgentKey returns the registered agentPublicKeyCertificate of a cluster. Keys are
// cached: every agent request checks one, and a heartbeat should not cost a store read. The
// Broadcaster drops a cluster's entry whenever the cluster is written or deleted.
func (a *API) loadAgentKey(ctx context.Context, clusterID string) (string, error) {
	a.cacheOnce.Do(func() {
		a.Broadcaster.OnChange(func(id string) { a.keys.Delete(strings.ToLower(id)) })
	})
	if key, ok := a.keys.Load(strings.ToLower(clusterID)); ok {
		return key.(string), nil
	}
	key, err := a.readAgentKey(ctx, clusterID)
	if err == nil {
		a.keys.Store(strings.ToLower(clusterID), key)
	}
	return key, err
}

func (a *API) readAgentKey(ctx context.Context, clusterID string) (string, error) {
	res, err := a.Store.GetResource(ctx, clusterID)
	if err != nil {
		return "", err
	}
	var doc struct {
		Properties struct {
			AgentPublicKeyCertificate string `json:"agentPublicKeyCertificate"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		return "", fmt.Errorf("decoding cluster %s: %w", clusterID, err)
	}
	return doc.Properties.AgentPublicKeyCertificate, nil
}

// maxBodyBytes bounds agent request bodies; status batches are the largest.
const maxBodyBytes = 4 << 20

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestContent", "the request body is not valid JSON of the expected shape: "+err.Error())
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, protocol.Error{Code: code, Message: message})
}

// writeInternal logs an unexpected error and answers without its detail.
func (a *API) writeInternal(w http.ResponseWriter, err error) {
	a.Log.Error("Agent request failed", "error", err)
	writeError(w, http.StatusInternalServerError, "InternalError", "the hub had an internal error; retry later")
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
