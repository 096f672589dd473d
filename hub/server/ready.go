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

package server

import (
	"context"
	"net/http"
	"time"
)

// readyTimeout bounds the store's answer to a readiness probe.
const readyTimeout = 2 * time.Second

// ready answers /readyz: ready while the store answers. A load balancer then sends new
// requests to the replicas that can serve them; this one still answers heartbeats from
// memory, and becomes ready again by itself when the store is back.
func (h *Hub) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		h.cfg.Log.Warn("Not ready: the store does not answer", "error", err)
		http.Error(w, "not ready: the hub's database cannot be reached", http.StatusServiceUnavailable)
		return
	}
	ok(w, r)
}
