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
	"net/http"
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

// agentLogs streams the agent's stored log lines that the query selects as JSON lines
// (since, level, grep), and with follow=true the new ones until the client leaves, the
// cluster is deleted or the caller's token is revoked.
func (a *API) agentLogs(w http.ResponseWriter, r *http.Request) {
	id, err := a.diagnosticsRequest(r)
	if err != nil {
		writeError(w, a.Log, err)
		return
	}
	f, err := diagnostics.ParseFilter(r.URL.Query(), a.now())
	if err != nil {
		writeError(w, a.Log, badRequest(codeInvalidParameter, "The query is invalid: %s.", err))
		return
	}
	follow := r.URL.Query().Get("follow") == "true"
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	flush, enc := http.NewResponseController(w).Flush, json.NewEncoder(w)
	_ = flush() // a follower sees the stream open before the first line
	err = a.Diagnostics.Stream(r.Context(), id.String(), f, follow, func(l protocol.LogLine) error {
		if err := enc.Encode(l); err != nil {
			return err
		}
		if follow {
			return flush()
		}
		return nil
	})
	if err != nil && !diagnostics.IsGone(err) && r.Context().Err() == nil {
		a.Log.Error("Streaming an agent's log failed", "cluster", id.String(), "error", err)
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
