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

package agentapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// watch streams the changes of the cluster's desired state after ?resourceVersion=N, one JSON
// WatchEvent per line, pushed as soon as they are committed. An idle stream carries a
// bookmark now and then, so the agent can resume from a recent version after a reconnect.
// A version older than the store remembers is answered 410 Gone: list again, then watch.
// The stream ends when the agent's credential stops being valid (StreamContext): at once,
// but for a deleted cluster only after it sent the changes up to the deletion.
func (a *API) watch(w http.ResponseWriter, r *http.Request) {
	cluster := clusterFrom(r.Context())
	rv := r.URL.Query().Get("resourceVersion")
	if _, err := strconv.ParseUint(rv, 10, 64); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidResourceVersion",
			"resourceVersion must be the decimal version of a desired-state list ("+protocol.PathDesiredState+")")
		return
	}
	ctx, release := a.StreamContext(r)
	defer release()
	if isCut(ctx) {
		writeRevoked(ctx, w)
		return
	}
	// Subscribe before the first read so that no change slips between the read and the wait.
	wake, cancel := a.Broadcaster.Subscribe(cluster)
	defer cancel()
	// Reads take the request's context, not the stream's: a draining stream still reads.
	changes, rv, err := a.Store.DesiredChanges(r.Context(), cluster, rv)
	switch {
	case isCut(ctx):
		writeRevoked(ctx, w)
		return
	case errors.Is(err, store.ErrGone):
		writeError(w, http.StatusGone, "Expired", "the resourceVersion is too old; list the desired state again")
		return
	case err != nil:
		a.writeInternal(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	s := &stream{w: w, enc: json.NewEncoder(w), rc: http.NewResponseController(w)}
	if s.send(changes, rv) != nil {
		return
	}
	a.follow(ctx, r, s, wake, rv)
}

// isCut reports whether a stream's credential stopped being valid in a way that ends it
// without sending anything more: any but the deletion of its cluster (Draining).
func isCut(ctx context.Context) bool { return ctx.Err() != nil && !Draining(ctx) }

// follow sends changes as they are committed, and bookmarks while idle, until the agent or
// the hub ends the stream; ctx is the stream's (StreamContext).
func (a *API) follow(ctx context.Context, r *http.Request, s *stream, wake <-chan struct{}, rv string) {
	cluster := clusterFrom(r.Context())
	interval := a.BookmarkInterval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	bookmarks := time.NewTicker(interval)
	defer bookmarks.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			if Draining(ctx) {
				err = a.drain(r, s, rv)
			}
			a.Log.Debug("Watch ended", "cluster", cluster, "cause", context.Cause(ctx), "error", err)
			return
		case <-wake:
			var changes []store.WatchChange
			changes, rv, err = a.Store.DesiredChanges(r.Context(), cluster, rv)
			if isCut(ctx) {
				return // revoked during the read: nothing more
			}
			if err == nil {
				err = s.send(changes, rv)
			}
		case <-bookmarks.C:
			err = s.event(protocol.WatchEvent{Type: protocol.Bookmark, ResourceVersion: rv})
		}
		if err != nil {
			// ErrGone mid-stream, a store error or a broken connection: the agent reconnects.
			a.Log.Debug("Watch ended", "cluster", cluster, "error", err)
			return
		}
	}
}

// drainTimeout bounds the last read and write of a deleted cluster's watch.
const drainTimeout = 10 * time.Second

// drain sends the changes of a deleted cluster's desired state after rv: the deletions of
// its objects, which the store keeps as tombstones. It runs after the stream saw the
// deletion's revocation, which follows a read that found the cluster gone, so the deletion
// is committed and this read has it.
func (a *API) drain(r *http.Request, s *stream, rv string) error {
	ctx, cancel := context.WithTimeout(r.Context(), drainTimeout)
	defer cancel()
	_ = s.rc.SetWriteDeadline(time.Now().Add(drainTimeout)) // a stalled agent does not hold the stream
	changes, rv, err := a.Store.DesiredChanges(ctx, clusterFrom(r.Context()), rv)
	if err != nil {
		return err
	}
	return s.send(changes, rv)
}

type stream struct {
	w   http.ResponseWriter
	enc *json.Encoder
	rc  *http.ResponseController
}

// send writes the changes, or a bookmark at rv when there are none.
func (s *stream) send(changes []store.WatchChange, rv string) error {
	if len(changes) == 0 {
		return s.event(protocol.WatchEvent{Type: protocol.Bookmark, ResourceVersion: rv})
	}
	for _, c := range changes {
		obj := c.Object
		if err := s.enc.Encode(protocol.WatchEvent{Type: c.Type, ResourceVersion: obj.ResourceVersion, Object: &obj}); err != nil {
			return err
		}
	}
	return s.rc.Flush()
}

func (s *stream) event(e protocol.WatchEvent) error {
	if err := s.enc.Encode(e); err != nil {
		return err
	}
	return s.rc.Flush()
}
