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

package nested

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kubearc/kubearc/hub/store"
)

// clusterType is the ARM type of the parent of every nested resource.
const clusterType = "Microsoft.Kubernetes/connectedClusters"

// Match is a request's conditional headers, as ARM honours them: If-Match (the resource
// must exist with one of these etags, or "*" any) and If-None-Match ("*": it must not exist;
// etags: it must not have one of them). Empty headers place no condition.
type Match struct {
	IfMatch, IfNoneMatch string
}

// Check returns a PreconditionFailedError unless the stored resource (exists, at etag
// version) satisfies m.
func (m Match) Check(exists bool, version string) error {
	etag := FormatETag(version)
	switch {
	case m.IfMatch != "" && !exists:
		return &PreconditionFailedError{Message: "The resource does not exist, so the request's If-Match header does not hold; create it without If-Match."}
	case m.IfMatch != "" && !matches(m.IfMatch, etag):
		return &PreconditionFailedError{Message: fmt.Sprintf("The resource's etag is %s, which the request's If-Match header does not name: it changed since it was read; read it again and retry.", etag)}
	case m.IfNoneMatch != "" && exists && matches(m.IfNoneMatch, etag):
		return &PreconditionFailedError{Message: fmt.Sprintf("The resource exists with etag %s, which the request's If-None-Match header excludes.", etag)}
	}
	return nil
}

// matches reports whether a conditional header's list of etags names etag, or is "*".
// Etags compare without weakness prefix or quotes, as clients send them either way.
func matches(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || bareETag(tag) == bareETag(etag) {
			return true
		}
	}
	return false
}

func bareETag(tag string) string { return strings.Trim(strings.TrimPrefix(tag, "W/"), `"`) }

// FormatETag is the etag of a stored version, as the ETag header and the etag property
// show it; "" for none.
func FormatETag(version string) string {
	if version == "" {
		return ""
	}
	return `"` + version + `"`
}

// attempt runs fn, a read-modify-write of the requested resource whose store write is
// conditional, again on the current state while it loses races to other writers (a failed
// store precondition), reloading the cluster first; when every attempt lost it answers 409.
// A cluster deleted meanwhile is a NotFoundError of the cluster.
func (s *Service[R, P, D]) attempt(ctx context.Context, req Request, fn func(Request) error) error {
	err := store.RetryRaces(func() error {
		err := fn(req)
		failed, lost := store.FailedOn(err)
		switch {
		case !lost || req.Cluster == nil: // a resource group's resource reads its host each attempt
			return err
		case strings.EqualFold(failed, req.Cluster.ID) && errors.Is(err, store.ErrNotFound):
			return &NotFoundError{ResourceType: clusterType, ID: req.Cluster.ID}
		}
		cluster, rerr := s.store.GetResource(ctx, req.Cluster.ID)
		if errors.Is(rerr, store.ErrNotFound) {
			return &NotFoundError{ResourceType: clusterType, ID: req.Cluster.ID}
		}
		if rerr != nil {
			return fmt.Errorf("reading cluster %s: %w", req.Cluster.ID, rerr)
		}
		req.Cluster = cluster
		return err
	})
	if errors.Is(err, store.ErrRacesLost) {
		return Conflict("The %s '%s' was changed by other requests at the same time; read it again and retry.", s.names.Noun, req.Name)
	}
	return err
}
