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
	"errors"
	"net/http"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
)

// matchOf returns the request's conditional headers.
func matchOf(r *http.Request) nested.Match {
	return nested.Match{IfMatch: r.Header.Get("If-Match"), IfNoneMatch: r.Header.Get("If-None-Match")}
}

// tagged returns body with an ETag header when it is a document with an etag, as ARM
// answers a resource.
func tagged(body any) any {
	t, ok := body.(interface{ EntityTag() string })
	if !ok || t.EntityTag() == "" {
		return body
	}
	h := http.Header{}
	h.Set("ETag", t.EntityTag())
	return &withHeaders{header: h, body: body}
}

// retryCluster runs fn, a read-modify-write of the cluster name whose store write is
// conditional, again while it loses races to other writers; when every attempt lost it
// answers 409.
func retryCluster(name string, fn func() error) error {
	err := store.RetryRaces(fn)
	if errors.Is(err, store.ErrRacesLost) {
		return &armError{status: http.StatusConflict, code: codeConflict,
			message: "The connectedCluster '" + name + "' was changed by other requests at the same time; read it again and retry."}
	}
	return err
}

// EntityTag returns the cluster's etag, for the ETag header.
func (c *connectedCluster) EntityTag() string { return c.ETag }

// deleteClusterOnce is one attempt of deleteCluster: store.ErrNotFound when there is no
// cluster (any more).
func (a *API) deleteClusterOnce(r *http.Request, id armid.ClusterID) error {
	pre := store.IfPresent()
	if m := matchOf(r); m.IfMatch != "" || m.IfNoneMatch != "" {
		_, read, err := a.loadCluster(r, id)
		if isNotFound(err) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := m.Check(true, read); err != nil {
			return err
		}
		pre = store.IfVersion(read)
	}
	err := a.Store.DeleteResource(r.Context(), id.String(), pre)
	if errors.Is(err, store.ErrNotFound) {
		return store.ErrNotFound // deleted meanwhile: not a lost race
	}
	return err
}
