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
	"sync/atomic"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/connectivity"
	"github.com/kubearc/kubearc/hub/diagnostics"
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
	// Limits bound what one agent may send.
	Limits Limits
	// Logs keeps the agents' own logs; nil serves no log endpoint.
	Logs *diagnostics.Service

	// Revocations ends the cluster's open streams when its credential stops being valid;
	// share the hub's (auth.TokenCache's) so one signal serves every stream. Nil: its own.
	Revocations *auth.Revocations

	setupOnce sync.Once
	keys      sync.Map // case-folded cluster ID → agentPublicKeyCertificate
	// lastKeys keeps each cluster's key after keys dropped it, for while the store is
	// unavailable: agents keep heartbeating to the replica's memory.
	lastKeys sync.Map
	// keyChanges counts cluster changes: a key read that raced with one is not cached.
	keyChanges atomic.Uint64
}

// setup subscribes to cluster changes: each drops the cluster's cached agent key, then
// revalidates its open streams.
func (a *API) setup() {
	a.setupOnce.Do(func() {
		if a.Revocations == nil {
			a.Revocations = auth.NewRevocations(a.Now)
		}
		a.Broadcaster.OnChange(func(id string) {
			a.keyChanges.Add(1)
			a.keys.Delete(strings.ToLower(id))
			go a.revalidate(id)
		})
	})
}

// Handler returns the agent API's routes.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+protocol.PathRegister, a.register)
	mux.Handle("POST "+protocol.PathHeartbeat, a.agentOnly(a.heartbeat))
	mux.Handle("GET "+protocol.PathDesiredState, a.agentOnly(a.desiredState))
	mux.Handle("GET "+protocol.PathWatch, a.agentOnly(a.watch))
	mux.Handle("POST "+protocol.PathStatus, a.agentOnly(a.status))
	mux.Handle("POST "+protocol.PathConnectivityChecks, a.agentOnly(a.connectivityChecks))
	if a.Logs != nil {
		mux.Handle("POST "+protocol.PathLogs, a.agentOnly(a.logs))
	}
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
	a.setup()
	if key, ok := a.keys.Load(strings.ToLower(clusterID)); ok {
		return key.(string), nil
	}
	before := a.keyChanges.Load()
	key, err := a.readAgentKey(ctx, clusterID)
	if err == nil && a.keyChanges.Load() == before {
		a.keys.Store(strings.ToLower(clusterID), key)
	}
	switch {
	case err == nil:
		a.lastKeys.Store(strings.ToLower(clusterID), key)
	case isNotFound(err):
		a.lastKeys.Delete(strings.ToLower(clusterID))
	}
	if last, ok := a.lastKeys.Load(strings.ToLower(clusterID)); ok && errors.Is(err, store.ErrUnavailable) {
		return last.(string), nil // the last key read, until the store answers again
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

// maxBodyBytes bounds the bodies of agent requests other than reports: registration, which
// is unauthenticated and needs only a cluster ID and a CSR of a few hundred bytes.
const maxBodyBytes = 64 << 10

// maxDecodeError bounds the decoder's message quoted in an answer: it can quote a number
// of the body, which may be as long as the body.
const maxDecodeError = 200

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	return decodeAtMost(w, r, v, maxBodyBytes)
}

// decodeReport decodes a heartbeat or status report of at most Limits.MaxReportBytes.
func (a *API) decodeReport(w http.ResponseWriter, r *http.Request, v any) bool {
	return decodeAtMost(w, r, v, a.Limits.maxReportBytes())
}

// decodeAtMost decodes a JSON body of at most limit bytes into v, or answers 413 or 400.
func decodeAtMost(w http.ResponseWriter, r *http.Request, v any, limit int64) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeError(w, http.StatusRequestEntityTooLarge, "RequestBodyTooLarge",
			fmt.Sprintf("the request body is larger than %d bytes; send statuses in several reports", limit))
		return false
	}
	if err != nil { // a read deadline or a cut connection: its text names socket addresses
		writeError(w, http.StatusBadRequest, "InvalidRequestContent", "the request body could not be read whole: sent too slowly, or cut off")
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		msg := err.Error()
		if len(msg) > maxDecodeError {
			msg = msg[:maxDecodeError] + "…"
		}
		writeError(w, http.StatusBadRequest, "InvalidRequestContent", "the request body is not valid JSON of the expected shape: "+msg)
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
	if errors.Is(err, store.ErrUnavailable) { // the agent retries with backoff
		a.Log.Warn("Agent request failed: the store is unavailable", "error", err)
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusServiceUnavailable, "StoreUnavailable", "the hub's database cannot be reached for the moment; retry later")
		return
	}
	a.Log.Error("Agent request failed", "error", err)
	writeError(w, http.StatusInternalServerError, "InternalError", "the hub had an internal error; retry later")
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
