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
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/diagnostics"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// diagnosticsPath is the kubearc namespace of a cluster's diagnostics: the ARM ID of the
// cluster under /kubearc/v1 (not an ARM resource provider).
const diagnosticsPath = "/kubearc/v1" + clustersPath + "/{name}"

func (a *API) registerDiagnostics(mux *http.ServeMux) {
	mux.HandleFunc("GET "+diagnosticsPath+"/logs", a.agentLogs)
	mux.HandleFunc("GET "+diagnosticsPath+"/usage", a.handle(a.agentUsage))
	mux.HandleFunc("GET "+diagnosticsPath+"/connectivityChecks", a.handle(a.connectivityChecks))
}

// diagnosticsRequest authorizes reading a cluster's diagnostics and checks that it exists.
func (a *API) diagnosticsRequest(r *http.Request) (armid.ClusterID, error) {
	id, err := clusterID(r)
	if err != nil {
		return id, err
	}
	if _, err := a.authorize(r, auth.Read, opReadCluster, id.String()); err != nil {
		return id, err
	}
	_, _, err = a.loadCluster(r, id)
	return id, err
}

// streamWriteTimeout is the default of API.StreamWriteTimeout.
const streamWriteTimeout = 30 * time.Second

func (a *API) streamWriteTimeout() time.Duration {
	if a.StreamWriteTimeout > 0 {
		return a.StreamWriteTimeout
	}
	return streamWriteTimeout
}

// agentLogs streams the agent's stored log lines that the query selects as JSON lines
// (since, level, grep), and with follow the new ones until the client leaves, the cluster is
// deleted or the caller's token is revoked or expires. A failure to read the first page is
// an error status; a stream the hub ends itself after that ends with a
// protocol.StreamEndedLine telling why.
func (a *API) agentLogs(w http.ResponseWriter, r *http.Request) {
	id, err := a.diagnosticsRequest(r)
	if err != nil {
		writeError(w, a.Log, err)
		return
	}
	q := r.URL.Query()
	f, err := diagnostics.ParseFilter(q, a.now())
	if err != nil {
		writeError(w, a.Log, badRequest(codeInvalidParameter, "The query is invalid: %s.", err))
		return
	}
	follow := false
	if v := q.Get("follow"); v != "" {
		if follow, err = strconv.ParseBool(v); err != nil {
			writeError(w, a.Log, badRequest(codeInvalidParameter, "The query is invalid: follow %q is not true or false.", v))
			return
		}
	}
	rc, enc, opened := http.NewResponseController(w), json.NewEncoder(w), false
	enc.SetEscapeHTML(false) // the fields as the agent sent them, <, > and & unescaped
	// A client that stops reading holds the stream only until a write's deadline.
	deadline := func() { _ = rc.SetWriteDeadline(time.Now().Add(a.streamWriteTimeout())) }
	open := func() error {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.WriteHeader(http.StatusOK)
		opened = true
		deadline()
		return rc.Flush() // a follower sees the stream open before the first line
	}
	err = a.Diagnostics.Stream(r.Context(), id.String(), f, follow, open, func(l protocol.LogLine) error {
		deadline()
		if err := enc.Encode(l); err != nil {
			return err
		}
		if follow {
			return rc.Flush()
		}
		return nil
	})
	switch {
	case err == nil || r.Context().Err() != nil:
		// Complete, or the client left (or the hub shuts down): nobody to tell.
		return
	case !opened:
		writeError(w, a.Log, err)
		return
	}
	reason, message := streamEnd(err)
	if reason == protocol.StreamEndedError {
		a.Log.Error("Streaming an agent's log failed", "cluster", id.String(), "error", err)
	}
	deadline()
	if enc.Encode(protocol.StreamEndedLine(a.now(), reason, message)) == nil {
		_ = rc.Flush()
	}
}

// streamEnd tells why the hub ended a log stream, as a protocol.StreamEndedField reason and
// a message for the user.
func streamEnd(err error) (reason, message string) {
	switch {
	case diagnostics.IsGone(err):
		return protocol.StreamEndedClusterDeleted, "The hub ended the stream: the cluster was deleted"
	case errors.Is(err, auth.ErrExpired):
		return protocol.StreamEndedTokenExpired, "The hub ended the stream: the token it was opened with expired; log in again"
	case errors.Is(err, auth.ErrRevoked):
		return protocol.StreamEndedTokenRevoked, "The hub ended the stream: the token it was opened with was revoked"
	default:
		return protocol.StreamEndedError, "The hub ended the stream: it could not read the log; lines may be missing, try again"
	}
}

// usageView is the answer of the usage endpoint.
type usageView struct {
	// Current is the last heartbeat's usage; nil before the first heartbeat.
	Current *store.UsageSample `json:"current"`
	// Value is the stored series from since on, oldest first.
	Value []store.UsageSample `json:"value"`
}

// agentUsage answers the agent's CPU and memory use: the last heartbeat's and the series
// kept since the query's since (default 1h).
func (a *API) agentUsage(r *http.Request) (int, any, error) {
	id, err := a.diagnosticsRequest(r)
	if err != nil {
		return 0, nil, err
	}
	since, err := diagnostics.ParseSince(r.URL.Query().Get("since"), a.now())
	if err != nil {
		return 0, nil, badRequest(codeInvalidParameter, "The query is invalid: %s.", err)
	}
	if since.IsZero() {
		since = a.now().Add(-time.Hour)
	}
	view := usageView{Value: []store.UsageSample{}}
	if rt, _ := a.Tracker.Get(id.String()); !rt.LastHeartbeat.IsZero() {
		view.Current = &store.UsageSample{Time: rt.LastHeartbeat.UTC(), CPUMillicores: rt.Heartbeat.AgentCPUMillicores,
			MemoryBytes: rt.Heartbeat.AgentMemoryBytes}
	}
	if view.Value, err = a.Diagnostics.Usage(r.Context(), id.String(), since); err == nil && view.Value == nil {
		view.Value = []store.UsageSample{}
	}
	return http.StatusOK, view, err
}
