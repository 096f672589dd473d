// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// Options are what a Service needs.
type Options struct {
	// Store is the hub's store; writes through it must wake the agents' watches.
	Store store.Store
	// Catalog and Extensions add the Gatekeeper extension to clusters the first assignment
	// reaches.
	Catalog    *catalog.Catalog
	Extensions *extensions.Service
	// Fetcher fetches PublicURL templates; nil fetches with the defaults.
	Fetcher *Fetcher
	Log     *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Service keeps the hub's policy definitions and assignments and pushes the assignments to
// the clusters they apply to. Build it once with NewService.
type Service struct {
	store      store.Store
	catalog    *catalog.Catalog
	extensions *extensions.Service
	fetcher    *Fetcher
	builtins   builtins
	log        *slog.Logger
	now        func() time.Time
	// recent are the clusters written since the last resync passes.
	recent *recentClusters
	// noGatekeeperWarning logs once that the catalog has no Gatekeeper extension type.
	noGatekeeperWarning sync.Once
}

// NewService returns a Service with the built-in definitions.
func NewService(o Options) (*Service, error) {
	b, err := loadBuiltins()
	if err != nil {
		return nil, err
	}
	s := &Service{store: o.Store, catalog: o.Catalog, extensions: o.Extensions, fetcher: o.Fetcher,
		builtins: b, log: o.Log, now: o.Now, recent: newRecentClusters()}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Request is a user's request for one policy definition or assignment.
type Request struct {
	// Scope is the assignment's scope, or the definition's subscription.
	Scope Scope
	Name  string
	// By is who asks, recorded as the resource's creator or last modifier.
	By string
	// Match is the request's If-Match and If-None-Match headers.
	Match nested.Match
}

// putInput is a PUT body: the resource's location (echoed) and its properties.
type putInput[P any] struct {
	Location   string `json:"location"`
	Properties *P     `json:"properties"`
}

// decodePut checks the name of the resource noun and reads a PUT body, with decode, whose
// properties are required.
func decodePut[P any](noun, name string, decode nested.Decoder) (*putInput[P], error) {
	if err := ValidateName(noun, name); err != nil {
		return nil, err
	}
	var in putInput[P]
	if err := decode(&in); err != nil {
		return nil, err
	}
	if in.Properties == nil {
		return nil, nested.Missing("The property 'properties' is required.")
	}
	return &in, nil
}

// touch records in audit who changed a resource and when; old is the stored resource's audit
// (nil when it is new).
func (s *Service) touch(by string, old *nested.SystemData) nested.SystemData {
	now := s.now().UTC()
	audit := nested.SystemData{CreatedBy: by, CreatedByType: nested.CreatedByUser, CreatedAt: now}
	if old != nil {
		audit = *old
	}
	audit.LastModifiedBy, audit.LastModifiedAt = by, now
	return audit
}

// get returns the stored resource id, nil when there is none.
func (s *Service) get(ctx context.Context, id string) (*store.Resource, error) {
	res, err := s.store.GetResource(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", id, err)
	}
	return res, nil
}

// list returns the stored resources of type typ in a subscription.
func (s *Service) list(ctx context.Context, typ, sub string) ([]*store.Resource, error) {
	res, err := s.store.ListResources(ctx, store.ListQuery{Type: typ, Subscription: sub})
	if err != nil {
		return nil, fmt.Errorf("listing the %s of subscription %s: %w", typ, sub, err)
	}
	return res, nil
}

// retry runs a read-modify-write of the resource noun called name again while it loses races
// to other writers; when every attempt lost, it answers 409.
func retry(noun, name string, write func() error) error {
	err := store.RetryRaces(write)
	if errors.Is(err, store.ErrRacesLost) {
		return &nested.ConflictError{Message: fmt.Sprintf("The %s '%s' was changed by other requests at the same time; read it again and retry.", noun, name)}
	}
	return err
}

// versionOf is the version of res, "" for none.
func versionOf(res *store.Resource) string {
	if res == nil {
		return ""
	}
	return res.Version
}

// decodeAssignment reads a stored assignment.
func decodeAssignment(res *store.Resource) (*Assignment, error) {
	a := &Assignment{}
	if err := json.Unmarshal(res.Body, a); err != nil {
		return nil, fmt.Errorf("decoding the stored policy assignment %s: %w", res.ID, err)
	}
	a.ID, a.Version = res.ID, res.Version
	return a, nil
}
