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
	"fmt"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// ClusterChanges returns the PolicySyncs of every assignment that applies to the cluster, to
// store with the cluster in its own write, and the versions of the assignments and
// definitions they come from, which the write must require unchanged. The cluster is looked
// at again by the next resync passes, in case an assignment written at the same moment missed
// it.
func (s *Service) ClusterChanges(ctx context.Context, clusterID string) ([]store.DesiredChange, map[string]string, error) {
	id, err := armid.ParseClusterID(clusterID)
	if err != nil {
		return nil, nil, err
	}
	st, err := s.loadState(ctx, id.Subscription)
	if err != nil {
		return nil, nil, err
	}
	s.recent.add(clusterID)
	p := &plan{related: map[string]string{}}
	for _, e := range st.applying(clusterID) {
		p.relate(e.versions)
		if e.spec != nil {
			p.changes = append(p.changes, store.DesiredChange{ClusterID: clusterID, Kind: protocol.KindPolicySync, Name: e.name, Spec: e.spec})
		}
	}
	return p.changes, p.related, nil
}

// ClusterCreated adds the Gatekeeper extension to a new cluster that assignments reach, for
// by, unless it has one.
func (s *Service) ClusterCreated(ctx context.Context, clusterID, by string) error {
	id, err := armid.ParseClusterID(clusterID)
	if err != nil {
		return err
	}
	return store.RetryRaces(func() error {
		cluster, err := s.get(ctx, clusterID)
		if err != nil || cluster == nil {
			return err
		}
		st, err := s.loadState(ctx, id.Subscription)
		if err != nil || !st.reaches(cluster.ID) {
			return err
		}
		if err := s.addGatekeeper(ctx, []*store.Resource{cluster}, by); err != nil {
			return fmt.Errorf("adding Gatekeeper to the new cluster %s: %w", clusterID, err)
		}
		return nil
	})
}
