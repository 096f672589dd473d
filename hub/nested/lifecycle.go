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
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// removal is the desired-state change that removes rec's desired object.
func (s Store[R, P]) removal(clusterID string, rec P) store.DesiredChange {
	_, name := rec.Ref()
	return store.DesiredChange{ClusterID: clusterID, Kind: s.Kind.ObjectKind, Name: name, Delete: true}
}

// MarkDeleting stores rec as Deleting and removes its desired object, so the agent removes
// the resource; the record goes when the agent reports it gone (ForgetDeleted).
func (s Store[R, P]) MarkDeleting(ctx context.Context, clusterID string, rec P) error {
	rec.SetDeleting()
	res, err := s.Resource(clusterID, rec)
	if err != nil {
		return err
	}
	if _, err := s.Store.PutResource(ctx, res, s.removal(clusterID, rec)); err != nil {
		return fmt.Errorf("deleting %s %s: %w", s.Kind.Noun, res.ID, err)
	}
	return nil
}

// ForceDelete removes rec and its desired object at once, without waiting for the agent.
func (s Store[R, P]) ForceDelete(ctx context.Context, clusterID string, rec P) error {
	id, _ := rec.Ref()
	if err := s.Store.DeleteResource(ctx, id, s.removal(clusterID, rec)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting %s %s: %w", s.Kind.Noun, id, err)
	}
	return nil
}

// ForgetDeleted removes the records being deleted whose resource the agent reports Deleted;
// id maps a name to a record's ID. It is the agent API's status hook.
func (s Store[R, P]) ForgetDeleted(ctx context.Context, items []protocol.ObjectStatus, id func(name string) string) error {
	var errs []error
	for _, st := range items {
		var reported struct {
			ProvisioningState string `json:"provisioningState"`
		}
		if st.Kind != s.Kind.ObjectKind || json.Unmarshal(st.Status, &reported) != nil ||
			reported.ProvisioningState != protocol.ProvisioningDeleted {
			continue
		}
		errs = append(errs, s.forget(ctx, id(st.Name)))
	}
	return errors.Join(errs...)
}

func (s Store[R, P]) forget(ctx context.Context, id string) error {
	rec, err := s.Load(ctx, id)
	if err != nil || rec == nil || !rec.BeingDeleted() {
		return err
	}
	if err := s.Store.DeleteResource(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("removing the deleted %s %s: %w", s.Kind.Noun, id, err)
	}
	s.Log.Info(s.Kind.Title+" deleted", s.Kind.LogKey, id)
	return nil
}

// ResealChanges returns the desired objects of a cluster's records with protected settings,
// made by desired for a new agent key, to store with the cluster in one transaction.
func (s Store[R, P]) ResealChanges(ctx context.Context, clusterID string, desired func(P) (store.DesiredChange, error)) ([]store.DesiredChange, error) {
	recs, err := s.List(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	var changes []store.DesiredChange
	for _, rec := range recs {
		if rec.BeingDeleted() || rec.SealedAtRest() == "" {
			continue
		}
		c, err := desired(rec)
		if err != nil {
			return nil, err
		}
		changes = append(changes, c)
	}
	return changes, nil
}
