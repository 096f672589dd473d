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

package sqlstore

import (
	"errors"
	"fmt"

	"github.com/kubearc/kubearc/hub/store"
)

// ValidateResource refuses a resource the stores cannot keep: none, or one without an ID or a
// type, or its own parent.
func ValidateResource(r *store.Resource) error {
	switch {
	case r == nil:
		return errors.New("no resource")
	case r.ID == "":
		return errors.New("the resource has no ID")
	case r.Type == "":
		return fmt.Errorf("resource %s has no type", r.ID)
	case r.ParentID != "" && Key(r.ParentID) == Key(r.ID):
		return fmt.Errorf("resource %s cannot be its own parent", r.ID)
	}
	return nil
}

// StatusCounts are how many statuses a cluster holds: all, and those of cluster-owned objects.
type StatusCounts struct{ Total, ClusterOwned int }

// CheckStatusLimits refuses an update that left the cluster over a bound of u and with more
// than it had before: a cluster already over a lowered bound may still update and shrink.
func CheckStatusLimits(u store.StatusUpdate, before, after StatusCounts) error {
	if over(u.MaxClusterOwned, before.ClusterOwned, after.ClusterOwned) {
		return &store.StatusLimitError{ClusterOwned: true, Limit: u.MaxClusterOwned, Count: after.ClusterOwned}
	}
	if over(u.MaxTotal, before.Total, after.Total) {
		return &store.StatusLimitError{Limit: u.MaxTotal, Count: after.Total}
	}
	return nil
}

// over reports whether a count grew past limit (0: none).
func over(limit, before, after int) bool { return limit > 0 && after > limit && after > before }

// ValidatePortalSession refuses a portal session the stores cannot keep: none, one without
// its hashes, sealed token, form token (an empty one would pass an empty form's check) or
// times, or caps that would end it at once.
func ValidatePortalSession(s *store.PortalSession, caps store.PortalSessionCaps) error {
	switch {
	case s == nil:
		return errors.New("no portal session")
	case len(s.IDHash) == 0 || len(s.TokenHash) == 0 || s.SealedToken == "" || s.CSRF == "":
		return errors.New("a portal session needs its ID hash, token hash, sealed token and form token")
	case s.CreatedAt.IsZero() || s.LastSeen.IsZero():
		return errors.New("a portal session needs its creation and last use times")
	case caps.Max < 1 || caps.PerToken < 1:
		return fmt.Errorf("portal session caps %d and %d per token must be at least 1", caps.Max, caps.PerToken)
	}
	return nil
}
