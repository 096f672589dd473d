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
	"time"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// Binding is an extension bound to a workspace.
type Binding struct {
	// Extension is the extension's ID, Cluster its cluster's.
	Extension, Cluster string
	// Workspace is the workspace's ID; Setting the configuration setting naming it.
	Workspace, Setting string
}

// BoundBy returns the extensions of the cluster clusterID that are bound to a workspace.
func (s *Service) BoundBy(ctx context.Context, clusterID string) ([]Binding, error) {
	return s.bindings(ctx, store.ListQuery{Type: extensions.ResourceType, ParentID: clusterID}, "")
}

// boundExtensions returns the extensions bound to the workspace id ("" for any), of every
// cluster.
func (s *Service) boundExtensions(ctx context.Context, id string) ([]Binding, error) {
	return s.bindings(ctx, store.ListQuery{Type: extensions.ResourceType}, id)
}

// bindings returns the extensions q lists that are bound to the workspace id ("" for any).
func (s *Service) bindings(ctx context.Context, q store.ListQuery, id string) ([]Binding, error) {
	all, err := s.store.ListResources(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("listing extensions: %w", err)
	}
	var bound []Binding
	for _, res := range all {
		var rec struct {
			Workspace *extensions.WorkspaceBinding `json:"workspace"`
		}
		if err := json.Unmarshal(res.Body, &rec); err != nil {
			return nil, fmt.Errorf("decoding stored extension %s: %w", res.ID, err)
		}
		if rec.Workspace != nil && (id == "" || strings.EqualFold(rec.Workspace.ID, id)) {
			bound = append(bound, Binding{Extension: res.ID, Cluster: res.ParentID, Workspace: rec.Workspace.ID, Setting: rec.Workspace.Setting})
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
			errs = append(errs, fmt.Errorf("rewriting extension %s for workspace %s: %w", b.Extension, b.Workspace, err))
		case rewritten:
			s.log.Info("Extension rewritten for its workspace", "extension", b.Extension, "workspace", b.Workspace)
		}
	}
	return errors.Join(errs...)
}

// rebindAfterWrite rewrites the extensions bound to the workspace id after a committed write
// of it. It is not the request's: a client that goes away does not stop it, and an extension
// that cannot be rewritten is logged, not answered (the write did happen); the next write of
// the workspace, the periodic repair or the hub's next start tries again.
func (s *Service) rebindAfterWrite(ctx context.Context, id string) {
	if err := s.Rebind(context.WithoutCancel(ctx), id); err != nil {
		s.log.Error("Rewriting extensions for their workspace failed; tried again later", "workspace", id, "error", err)
	}
}

// rebindOne is one attempt to rewrite the extension b with its workspace's values; nothing
// when they are its own already, or when it is gone, being deleted, bound elsewhere, or its
// workspace is gone.
func (s *Service) rebindOne(ctx context.Context, b Binding) (bool, error) {
	rec, err := s.extensions.Load(ctx, b.Extension)
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
	cluster, err := s.store.GetResource(ctx, b.Cluster)
	if err != nil {
		return false, fmt.Errorf("reading cluster %s: %w", b.Cluster, err)
	}
	rec.Phase = nested.PhaseUpdating
	_, err = s.extensions.Save(ctx, cluster, rec)
	return err == nil, err
}

// current is the workspace id as an extension gets it now; nil when it is gone.
func (s *Service) current(ctx context.Context, id string) (*extensions.Workspace, error) {
	rec, res, err := s.load(ctx, id)
	if err != nil || rec == nil {
		return nil, err
	}
	return s.resolved(rec, res.Version)
}

// Run rewrites, every interval until ctx ends, the extensions whose values are not their
// workspace's own: it repairs the rewrites that failed after a workspace's write.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := s.Rebind(ctx, ""); err != nil {
				s.log.Error("Rewriting extensions for their workspaces failed", "error", err)
			}
		}
	}
}
