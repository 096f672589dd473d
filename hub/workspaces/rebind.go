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
	"maps"
	"strings"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// boundExtension is an extension bound to a workspace.
type boundExtension struct {
	ID, ClusterID string
	// Workspace is the workspace's ID; Setting the configuration setting naming it.
	Workspace, Setting string
}

// boundExtensions returns the extensions bound to the workspace id ("" for any), of every
// cluster.
func (s *Service) boundExtensions(ctx context.Context, id string) ([]boundExtension, error) {
	all, err := s.store.ListResources(ctx, store.ListQuery{Type: extensions.ResourceType})
	if err != nil {
		return nil, fmt.Errorf("listing extensions: %w", err)
	}
	var bound []boundExtension
	for _, res := range all {
		var rec struct {
			Workspace *extensions.WorkspaceBinding `json:"workspace"`
		}
		if err := json.Unmarshal(res.Body, &rec); err != nil {
			return nil, fmt.Errorf("decoding stored extension %s: %w", res.ID, err)
		}
		if rec.Workspace != nil && (id == "" || strings.EqualFold(rec.Workspace.ID, id)) {
			bound = append(bound, boundExtension{ID: res.ID, ClusterID: res.ParentID, Workspace: rec.Workspace.ID, Setting: rec.Workspace.Setting})
		}
	}
	return bound, nil
}

// Rebind rewrites the extensions bound to the workspace id ("" for every workspace) whose
// values are not the workspace's own: their records and desired objects, so that their agents
// get the new endpoints and credential. Each extension is its own conditional write, tried
// again when it races another writer.
func (s *Service) Rebind(ctx context.Context, id string) error {
	if s.extensions == nil {
		return nil
	}
	bound, err := s.boundExtensions(ctx, id)
	if err != nil {
		return err
	}
	var errs []error
	for _, b := range bound {
		var rewritten bool
		err := store.RetryRaces(func() (err error) {
			rewritten, err = s.rebindOne(ctx, b)
			return err
		})
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("rewriting extension %s for workspace %s: %w", b.ID, b.Workspace, err))
		case rewritten:
			s.log.Info("Extension rewritten for its workspace", "extension", b.ID, "workspace", b.Workspace)
		}
	}
	return errors.Join(errs...)
}

// rebindOne is one attempt to rewrite the extension b with its workspace's values; nothing
// when they are its own already, or when it is gone, being deleted, bound elsewhere, or its
// workspace is gone.
func (s *Service) rebindOne(ctx context.Context, b boundExtension) (bool, error) {
	rec, err := s.extensions.Load(ctx, b.ID)
	if err != nil || rec == nil || rec.Deleting || rec.Workspace == nil || !strings.EqualFold(rec.Workspace.ID, b.Workspace) {
		return false, err
	}
	ws, err := s.current(ctx, b.Workspace)
	if err != nil || ws == nil {
		return false, err
	}
	protected, err := s.sealer.Open(rec.SealedProtectedSettings)
	if err != nil {
		return false, err
	}
	before := *rec.Workspace
	rebound := rec.Bind(rec.Workspace.Setting, rec.Workspace.ID, ws, protected)
	if before == *rec.Workspace && maps.Equal(protected, rebound) {
		return false, nil
	}
	if rec.SealedProtectedSettings, err = s.sealer.Seal(rebound); err != nil {
		return false, err
	}
	cluster, err := s.store.GetResource(ctx, b.ClusterID)
	if err != nil {
		return false, fmt.Errorf("reading cluster %s: %w", b.ClusterID, err)
	}
	rec.Phase = nested.PhaseUpdating
	_, err = s.extensions.Save(ctx, cluster, rec)
	return err == nil, err
}

// current is the workspace id as an extension gets it now; nil when it is gone.
func (s *Service) current(ctx context.Context, id string) (*extensions.Workspace, error) {
	rec, _, err := s.load(ctx, id)
	if err != nil || rec == nil {
		return nil, err
	}
	return s.resolved(rec)
}
