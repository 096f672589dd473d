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
func (s *Service[R, P, D]) removal(clusterID string, rec P) store.DesiredChange {
	return store.DesiredChange{ClusterID: clusterID, Kind: s.names.ObjectKind, Name: s.objectName(rec), Delete: true}
}

// markDeleting stores rec as Deleting and removes its desired object, so the agent removes
// the resource; the record goes when the agent reports it gone (StatusesReported). It is
// conditional on rec as read.
func (s *Service[R, P, D]) markDeleting(ctx context.Context, clusterID string, rec P) error {
	rec.Base().Deleting = true
	res, err := s.resource(clusterID, rec)
	if err != nil {
		return err
	}
	if _, err := s.store.PutResource(ctx, res, store.IfVersion(rec.Base().ETag), s.removal(clusterID, rec)); err != nil {
		return fmt.Errorf("deleting %s %s: %w", s.names.Noun, res.ID, err)
	}
	return nil
}

// forceDelete removes rec and its desired object at once, without waiting for the agent,
// if rec is still as read (a *store.ConditionError otherwise: the caller reads again).
func (s *Service[R, P, D]) forceDelete(ctx context.Context, clusterID string, rec P) error {
	id := rec.Base().ID
	if err := s.store.DeleteResource(ctx, id, store.IfVersion(rec.Base().ETag), s.removal(clusterID, rec)); err != nil {
		return fmt.Errorf("deleting %s %s: %w", s.names.Noun, id, err)
	}
	return nil
}

// StatusesReported removes the records being deleted whose resource the agent reports
// Deleted. It is the agent API's status hook.
func (s *Service[R, P, D]) StatusesReported(ctx context.Context, clusterID string, items []protocol.ObjectStatus) error {
	var gone []string
	for _, st := range items {
		var reported struct {
			ProvisioningState string `json:"provisioningState"`
		}
		if st.Kind == s.names.ObjectKind && json.Unmarshal(st.Status, &reported) == nil &&
			reported.ProvisioningState == protocol.ProvisioningDeleted {
			gone = append(gone, st.Name)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	ids, err := s.recordIDs(ctx, clusterID, gone)
	if err != nil {
		return err
	}
	errs := make([]error, 0, len(ids))
	for _, id := range ids {
		errs = append(errs, s.forget(ctx, id))
	}
	return errors.Join(errs...)
}

// forget removes the record id if it is being deleted. The removal is conditional on the
// record as read: one deleted, or deleted and created again, meanwhile is left alone.
func (s *Service[R, P, D]) forget(ctx context.Context, id string) error {
	rec, err := s.Load(ctx, id)
	if err != nil || rec == nil || !rec.Base().Deleting {
		return err
	}
	err = s.store.DeleteResource(ctx, id, store.IfVersion(rec.Base().ETag))
	switch {
	case store.LostRace(err):
		s.log.Debug(s.names.Title+" changed while being forgotten; left alone", s.names.LogKey, id)
		return nil
	case err != nil:
		return fmt.Errorf("removing the deleted %s %s: %w", s.names.Noun, id, err)
	}
	s.log.Info(s.names.Title+" deleted", s.names.LogKey, id)
	return nil
}

// ResealChanges returns the desired objects of a cluster's records with protected settings,
// sealed for the new agent key agentKey, to store with the cluster in one transaction, and
// the versions of all its records they were made from: the write's precondition
// (store.Children), so that a record written meanwhile, still sealed for the old key, makes
// it fail rather than be overwritten or missed.
func (s *Service[R, P, D]) ResealChanges(ctx context.Context, clusterID, agentKey string) ([]store.DesiredChange, map[string]string, error) {
	recs, err := s.List(ctx, clusterID)
	if err != nil {
		return nil, nil, err
	}
	var changes []store.DesiredChange
	versions := make(map[string]string, len(recs))
	for _, rec := range recs {
		m := rec.Base()
		versions[m.ID] = m.ETag
		if m.Deleting || m.SealedProtectedSettings == "" {
			continue
		}
		c, err := s.desired(clusterID, agentKey, rec)
		if err != nil {
			return nil, nil, fmt.Errorf("re-sealing the protected settings of the %ss of %s for the new agent key: %w", s.names.Noun, clusterID, err)
		}
		changes = append(changes, c)
	}
	return changes, versions, nil
}
