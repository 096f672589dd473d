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

package locationresources

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/store"
)

// Put creates or replaces the resource; created reports a new one. Its CR is applied at once
// when the cluster is online, and the answer shows the outcome; when the cluster is offline
// the resource stays Creating (or Updating) and Run applies it when the tunnel returns. A CR
// the cluster refuses fails the resource and is answered with the cluster's message.
//
// The write is conditional on the location as looked up, so that a location deleted (marked
// Deleting) meanwhile makes the PUT look again and be refused, rather than leave a resource
// stored under a location that is going away.
func (s *Service) Put(ctx context.Context, req Request, in *Input) (bool, *Doc, error) {
	ext, rt, err := s.resourceType(req)
	if err != nil {
		return false, nil, err
	}
	if err := validateInput(req.Name, in); err != nil {
		return false, nil, err
	}
	var (
		res     *store.Resource
		rec     *record
		created bool
	)
	for attempt := 1; ; attempt++ {
		var loc *Location
		loc, res, rec, created, err = s.putOnce(ctx, req, in, ext, rt)
		if id, lost := store.FailedOn(err); lost && loc != nil && strings.EqualFold(id, loc.ID) && attempt < store.MaxRaceAttempts {
			continue // the location changed meanwhile: look it up again
		}
		if err != nil {
			return false, nil, writeError(err, in.ExtendedLocation.Name)
		}
		break
	}
	applyCtx, cancel := context.WithTimeout(ctx, DefaultClusterTimeout)
	defer cancel()
	res, rec, err = s.applyPending(applyCtx, res, rec, rt)
	if err != nil {
		return false, nil, writeError(err, rec.ExtendedLocation.Name)
	}
	return created, rec.doc(res.ID), nil
}

// putOnce is one attempt of a PUT's store write, conditional on the location as looked up
// (loc), which it returns with the stored resource and record.
func (s *Service) putOnce(ctx context.Context, req Request, in *Input, ext *catalog.ExtensionType, rt *catalog.ResourceType) (
	loc *Location, res *store.Resource, rec *record, created bool, err error,
) {
	if loc, err = s.location(ctx, req, in.ExtendedLocation.Name, ext); err != nil {
		return nil, nil, nil, false, err
	}
	res, old, err := s.load(ctx, req.ID())
	if err != nil {
		return loc, nil, nil, false, err
	}
	if rec, err = s.putRecord(req, in, loc, rt, old); err != nil {
		return loc, nil, nil, false, err
	}
	if err := s.sameCR(ctx, req, loc, rt); err != nil {
		return loc, nil, nil, false, err
	}
	if res == nil {
		res = &store.Resource{ID: req.ID(), Type: rt.Type, Subscription: req.Subscription, ResourceGroup: req.ResourceGroup, ParentID: loc.ID}
	}
	pre := store.AsRead(res.Version)
	if loc.Version != "" {
		pre = pre.With(loc.ID, loc.Version)
	}
	if res, err = s.saveIf(ctx, res, rec, pre); err != nil {
		return loc, nil, nil, false, err
	}
	return loc, res, rec, old == nil, nil
}

// sameCR refuses a resource whose CR would be another stored resource's: one of the same
// type and name on the same location (in another resource group), since a CR is named as
// its ARM resource in the location's namespace.
func (s *Service) sameCR(ctx context.Context, req Request, loc *Location, rt *catalog.ResourceType) error {
	list, err := s.store.ListResources(ctx, store.ListQuery{Type: rt.Type, ParentID: loc.ID})
	if err != nil {
		return fmt.Errorf("listing the resources on %s: %w", loc.ID, err)
	}
	for _, other := range list {
		if strings.EqualFold(other.ID, req.ID()) || !strings.EqualFold(other.ID[strings.LastIndex(other.ID, "/")+1:], req.Name) {
			continue
		}
		return conflict("The custom location '%s' already has the resource '%s' of type %s and name %s, whose custom resource is the %s %s in namespace %s: choose another name.",
			loc.ID, other.ID, rt.Type, req.Name, rt.Kind, req.Name, loc.Namespace)
	}
	return nil
}

// putRecord is the record a PUT of in on loc makes of the stored record old (nil: none).
func (s *Service) putRecord(req Request, in *Input, loc *Location, rt *catalog.ResourceType, old *record) (*record, error) {
	rec := &record{Name: req.Name, Type: rt.Type, ExtendedLocation: ExtendedLocation{Type: ExtendedLocationType, Name: in.ExtendedLocation.Name},
		Location: in.Location, Tags: in.Tags, Spec: spec(in.Properties), Cluster: loc.Cluster, Namespace: loc.Namespace,
		Phase: phasePending, Operation: StateCreating, PendingSince: s.now()}
	if old == nil {
		return rec, nil
	}
	switch {
	case old.Phase == phaseSynced:
		return nil, readOnly(req.ID(), rt)
	case old.Phase == phaseDeleting:
		return nil, conflict("The resource '%s' is being deleted; PUT it again once it is gone.", req.ID())
	case !strings.EqualFold(old.ExtendedLocation.Name, rec.ExtendedLocation.Name):
		return nil, invalid("The property 'extendedLocation' cannot change: the resource is on the custom location '%s'.", old.ExtendedLocation.Name)
	}
	rec.Operation, rec.Status = StateUpdating, old.Status
	return rec, nil
}

// writeError is the answer of a store write that failed: another writer won (409), or the
// custom location was deleted meanwhile (400).
func writeError(err error, locationID string) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return invalid("The custom location '%s' named by 'extendedLocation.name' does not exist.", locationID)
	case store.LostRace(err):
		return conflict("The resource was changed by another request meanwhile; retry.")
	}
	return err
}

// applyPending applies rec's CR and stores the outcome: applied, or failed when the cluster
// refused it (the refusal is returned too). It stays pending when the cluster is offline or
// did not answer.
func (s *Service) applyPending(ctx context.Context, res *store.Resource, rec *record, rt *catalog.ResourceType) (*store.Resource, *record, error) {
	err := s.apply(ctx, res.ID, rec, rt)
	refused, isRefusal := refusal(err)
	switch {
	case err == nil:
		rec.Phase, rec.Error = phaseApplied, ""
	case isRefusal:
		rec.Phase, rec.Error = phaseFailed, refused.Message
	default:
		s.log.Debug("Applying a resource on a custom location waits for its cluster", "resource", res.ID, "error", err)
		return res, rec, nil
	}
	saved, err := s.save(ctx, res, rec)
	if err != nil {
		return res, rec, err
	}
	if isRefusal {
		return saved, rec, refused
	}
	return saved, rec, nil
}
