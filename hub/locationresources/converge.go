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
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// Wake tells Run that cluster id's tunnel opened, so that what waits for it goes now. It never
// blocks: a wake that does not fit waits for Run's next round.
func (s *Service) Wake(id string) {
	select {
	case s.wake <- id:
	default:
	}
}

// Run converges the resources that wait for an offline cluster until ctx ends: a cluster's
// when its tunnel opens (Wake), and every cluster's every interval, when those that waited
// longer than the pending timeout fail (a PUT) or are forgotten (a DELETE). Each round also
// syncs the custom resources made in the clusters (syncClusters).
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	s.round(ctx, "")
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-s.wake:
			s.round(ctx, id)
		case <-ticker.C:
			s.round(ctx, "")
		}
	}
}

// round converges the pending resources of cluster (every cluster when empty), then shows
// the custom resources made in its custom locations' namespaces.
func (s *Service) round(ctx context.Context, cluster string) {
	s.sweep(ctx, cluster)
	s.syncClusters(ctx, cluster)
}

// sweep converges the pending resources of cluster (every cluster when empty).
func (s *Service) sweep(ctx context.Context, cluster string) {
	for _, t := range armTypes(s.catalog) {
		list, err := s.store.ListResources(ctx, store.ListQuery{Type: t})
		if err != nil {
			s.log.Error("Listing resources on custom locations failed", "type", t, "error", err)
			return
		}
		for _, res := range list {
			var rec record
			if json.Unmarshal(res.Body, &rec) != nil || (cluster != "" && !strings.EqualFold(rec.Cluster, cluster)) {
				continue
			}
			if err := s.converge(ctx, res, &rec); err != nil && !store.LostRace(err) {
				s.log.Info("Converging a resource on a custom location failed", "resource", res.ID, "error", err)
			}
		}
	}
}

// converge applies or deletes a pending resource's CR; once it waited too long, a pending
// apply fails and a pending deletion forgets the resource, leaving its CR in the cluster.
func (s *Service) converge(ctx context.Context, res *store.Resource, rec *record) error {
	_, rt, ok := s.catalog.ResourceType(rec.Type)
	if !ok || (rec.Phase != phasePending && rec.Phase != phaseDeleting) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultClusterTimeout)
	defer cancel()
	switch {
	case rec.Phase == phaseDeleting: // deletePending forgets it after the pending timeout
		_, _, err := s.deletePending(ctx, res, rec, rt)
		return err
	case s.now().Sub(rec.PendingSince) > s.timeout:
		rec.Phase, rec.Error = phaseFailed, fmt.Sprintf(
			"The cluster %s had no tunnel to the hub for %s after the resource was written, so its custom resource was not applied; PUT the resource again once the cluster is connected.",
			rec.Cluster, s.timeout)
		_, err := s.save(ctx, res, rec)
		return err
	}
	_, _, err := s.applyPending(ctx, res, rec, rt)
	return err
}
