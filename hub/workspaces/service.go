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

package workspaces

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// Options are what a Service needs.
type Options struct {
	// Store is the hub's store; writes through it must wake the agents' watches.
	Store store.Store
	// DataKey is the hub's data key, which seals the credentials at rest.
	DataKey []byte
	Log     *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Service keeps the hub's workspaces and rewrites the extensions bound to one when it
// changes. Build it with NewService, then set its extensions with SetExtensions.
type Service struct {
	store      store.Store
	sealer     nested.Sealer
	extensions *extensions.Service
	log        *slog.Logger
	now        func() time.Time
}

// NewService returns a Service.
func NewService(o Options) *Service {
	s := &Service{store: o.Store, sealer: nested.Sealer{DataKey: o.DataKey}, log: o.Log, now: o.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// SetExtensions sets the extensions' service, whose resources bound to a workspace are
// rewritten when it changes; call it once at start-up, before any request (the extensions'
// kind resolves workspaces through this Service, so neither can be built with the other).
func (s *Service) SetExtensions(ext *extensions.Service) { s.extensions = ext }

// Request is a user's request for one workspace.
type Request struct {
	Subscription, ResourceGroup, Name string
	// By is who asks, recorded as the workspace's creator or last modifier.
	By string
	// Match is the request's If-Match and If-None-Match headers.
	Match nested.Match
	// MayRead says whether the caller may read the resource id, so that an answer names only
	// resources it may read; nil reads none.
	MayRead func(id string) bool
}

// ID is the requested workspace's ARM ID.
func (r Request) ID() string {
	return "/subscriptions/" + r.Subscription + "/resourceGroups/" + r.ResourceGroup + "/providers/" + ResourceType + "/" + r.Name
}

// openCredentials returns the credentials of rec (nil when new), sealed at rest.
func (s *Service) openCredentials(rec *record) (map[string]string, error) {
	if rec == nil {
		return nil, nil
	}
	return s.sealer.Open(rec.SealedCredentials)
}

// touch records who changed a workspace and when; old is the stored one (nil when new).
func (s *Service) touch(by string, old *record) nested.SystemData {
	now := s.now().UTC()
	audit := nested.SystemData{CreatedBy: by, CreatedByType: nested.CreatedByUser, CreatedAt: now}
	if old != nil {
		audit = old.Audit
	}
	audit.LastModifiedBy, audit.LastModifiedAt = by, now
	return audit
}

// load returns the stored workspace id and its resource; nil, nil when there is none.
func (s *Service) load(ctx context.Context, id string) (*record, *store.Resource, error) {
	res, err := s.store.GetResource(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading workspace %s: %w", id, err)
	}
	if !strings.EqualFold(res.Type, ResourceType) {
		return nil, nil, nil
	}
	rec, err := decode(res)
	return rec, res, err
}

// decode reads a stored workspace.
func decode(res *store.Resource) (*record, error) {
	var rec record
	if err := json.Unmarshal(res.Body, &rec); err != nil {
		return nil, fmt.Errorf("decoding stored workspace %s: %w", res.ID, err)
	}
	return &rec, nil
}

// versionOf is the version of res, "" for none.
func versionOf(res *store.Resource) string {
	if res == nil {
		return ""
	}
	return res.Version
}

// retry runs a read-modify-write of the workspace name again while it loses races to other
// writers; when every attempt lost, it answers 409.
func retry(name string, write func() error) error {
	err := store.RetryRaces(write)
	if errors.Is(err, store.ErrRacesLost) {
		return nested.Conflict("The workspace '%s' was changed by other requests at the same time; read it again and retry.", name)
	}
	return err
}
