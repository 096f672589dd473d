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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Run repairs the clusters' PolicySyncs until ctx ends: every cluster's at once (a new hub
// version may bring new built-in templates), then, every interval, those of the clusters
// written since the two passes before (see recentClusters).
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	s.resync(ctx, s.allClusters)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.resync(ctx, s.recentClusters)
		}
	}
}

// resync repairs the clusters list returns and logs what it did.
func (s *Service) resync(ctx context.Context, list func(context.Context) ([]*store.Resource, error)) {
	clusters, err := list(ctx)
	if err == nil {
		var fixed int
		fixed, err = s.Resync(ctx, clusters)
		if fixed > 0 {
			s.log.Info("Policy resync repaired the PolicySyncs of clusters", "clusters", fixed)
		}
	}
	if err != nil && ctx.Err() == nil {
		s.log.Error("Policy resync failed", "error", err)
	}
}

// allClusters lists every cluster.
func (s *Service) allClusters(ctx context.Context) ([]*store.Resource, error) {
	res, err := s.store.ListResources(ctx, store.ListQuery{Type: clusterType})
	if err != nil {
		return nil, fmt.Errorf("listing clusters: %w", err)
	}
	return res, nil
}

// recentClusters reads the clusters written lately that still exist.
func (s *Service) recentClusters(ctx context.Context) ([]*store.Resource, error) {
	var out []*store.Resource
	for _, id := range s.recent.take() {
		res, err := s.get(ctx, id)
		if err != nil {
			return nil, err
		}
		if res != nil {
			out = append(out, res)
		}
	}
	return out, nil
}

// Resync makes the clusters' PolicySyncs those of the assignments that apply to them, reading
// the policy of each subscription once, and returns how many clusters it changed. A cluster
// whose write loses a race to another writer is left to that writer and looked at again at the
// next pass.
func (s *Service) Resync(ctx context.Context, clusters []*store.Resource) (int, error) {
	bySub := map[string][]*store.Resource{}
	for _, c := range clusters {
		bySub[strings.ToLower(c.Subscription)] = append(bySub[strings.ToLower(c.Subscription)], c)
	}
	fixed := 0
	var errs []error
	for _, group := range bySub {
		st, err := s.loadState(ctx, group[0].Subscription)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, c := range group {
			changed, err := s.reconcile(ctx, st, c)
			if changed {
				fixed++
			}
			errs = append(errs, err)
		}
	}
	return fixed, errors.Join(errs...)
}

// reconcile makes one cluster's PolicySyncs what st says; changed says it wrote.
func (s *Service) reconcile(ctx context.Context, st *state, cluster *store.Resource) (bool, error) {
	current, err := s.policySyncs(ctx, cluster.ID)
	if err != nil {
		return false, err
	}
	p := &plan{related: map[string]string{}}
	keep := map[string]bool{}
	for _, e := range st.applying(cluster.ID) {
		p.relate(e.versions)
		keep[e.name] = e.spec != nil || e.broken
		if e.spec == nil {
			continue
		}
		// The evaluation token is the cluster's (RequestEvaluation), not the assignment's:
		// keep the one the cluster has.
		want := e.spec
		if token := evaluationRequestOf(current[e.name]); token != "" {
			want = withEvaluationRequest(e.spec, token)
		}
		if !sameJSON(current[e.name], want) {
			p.changes = append(p.changes, store.DesiredChange{ClusterID: cluster.ID, Kind: protocol.KindPolicySync, Name: e.name, Spec: want})
		}
	}
	for name, spec := range current {
		if keep[name] {
			continue
		}
		stale, err := s.stale(ctx, st, p, spec)
		if err != nil {
			return false, err
		}
		if stale {
			p.changes = append(p.changes, store.DesiredChange{ClusterID: cluster.ID, Kind: protocol.KindPolicySync, Name: name, Delete: true})
		}
	}
	if len(p.changes) == 0 {
		return false, nil
	}
	return s.repair(ctx, cluster, p, len(current) == 0)
}

// repair writes a cluster's planned PolicySyncs, adding Gatekeeper first when they are its
// first; a lost race is left to the other writer and the cluster looked at next time.
func (s *Service) repair(ctx context.Context, cluster *store.Resource, p *plan, first bool) (bool, error) {
	if first {
		if err := s.addGatekeeper(ctx, []*store.Resource{cluster}, hubWriter); err != nil && !store.LostRace(err) {
			return false, err
		}
	}
	err := s.store.PutDesired(ctx, p.related, p.changes...)
	if store.LostRace(err) {
		s.recent.add(cluster.ID)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("repairing the PolicySyncs of %s: %w", cluster.ID, err)
	}
	return true, nil
}

// stale reports whether a PolicySync that st does not expect on a cluster is of an assignment
// that no longer reaches it: one st knows (its version joins p's precondition), or one that no
// longer exists. One of an assignment newer than st is its writer's.
func (s *Service) stale(ctx context.Context, st *state, p *plan, spec json.RawMessage) (bool, error) {
	id := assignmentOf(spec)
	if id == "" {
		return true, nil
	}
	if a := st.assignment(id); a != nil {
		p.relate(map[string]string{a.ID: a.Version})
		return true, nil
	}
	res, err := s.get(ctx, id)
	return res == nil, err
}

// assignmentOf returns the assignment ID of a PolicySync spec, "" when it names none.
func assignmentOf(spec json.RawMessage) string {
	var ps protocol.PolicySyncSpec
	_ = json.Unmarshal(spec, &ps)
	return ps.AssignmentID
}

// policySyncs returns a cluster's PolicySync objects by name.
func (s *Service) policySyncs(ctx context.Context, clusterID string) (map[string]json.RawMessage, error) {
	state, err := s.store.DesiredState(ctx, clusterID)
	if err != nil {
		return nil, fmt.Errorf("reading the desired state of %s: %w", clusterID, err)
	}
	out := map[string]json.RawMessage{}
	for _, o := range state.Items {
		if o.Kind == protocol.KindPolicySync {
			out[o.Name] = o.Spec
		}
	}
	return out, nil
}

// sameJSON reports whether two JSON documents hold the same value (a store may normalize
// what it keeps).
func sameJSON(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return true
	}
	x, errA := decodeValue(a)
	y, errB := decodeValue(b)
	return errA == nil && errB == nil && x != nil && sameValue(x, y)
}
