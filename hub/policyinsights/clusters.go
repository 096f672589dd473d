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

package policyinsights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// clusterType is the ARM type of the resources policy states are about.
const clusterType = "Microsoft.Kubernetes/connectedClusters"

// cluster is what a policy state shows of its cluster.
type cluster struct {
	id, subscription, resourceGroup, location string
}

// policyRef is what the service reads of a PolicySync spec: decoding the whole spec, its
// template above all, would cost most of a query's time.
type policyRef struct {
	AssignmentID      string `json:"assignmentId"`
	DefinitionID      string `json:"definitionId"`
	EnforcementAction string `json:"enforcementAction"`
	EvaluationRequest string `json:"evaluationRequest"`
}

// policySyncs is what the store holds of one cluster's policy.
type policySyncs struct {
	cluster *store.Resource
	// desired are the cluster's PolicySync desired objects.
	desired []protocol.DesiredObject
	// statuses are the agent's PolicySync statuses by object name.
	statuses map[string]protocol.ObjectStatus
}

// eachCluster calls fn with the policy of every cluster of scope that readable admits.
func (s *Service) eachCluster(ctx context.Context, scope Scope, readable func(string) bool, fn func(*policySyncs) error) error {
	clusters, err := s.clustersOf(ctx, scope)
	if err != nil {
		return err
	}
	for _, c := range clusters {
		if !readable(c.ID) {
			continue
		}
		ps, err := s.policySyncsOf(ctx, c)
		if err != nil {
			return err
		}
		if err := fn(ps); err != nil {
			return err
		}
	}
	return nil
}

// clustersOf lists the clusters of scope; ErrNotFound when the scope is a cluster that does
// not exist.
func (s *Service) clustersOf(ctx context.Context, scope Scope) ([]*store.Resource, error) {
	if scope.ClusterID == "" {
		list, err := s.Store.ListResources(ctx, store.ListQuery{Type: clusterType, Subscription: scope.Subscription, ResourceGroup: scope.ResourceGroup})
		if err != nil {
			return nil, fmt.Errorf("listing the clusters of %s: %w", scope, err)
		}
		return list, nil
	}
	res, err := s.Store.GetResource(ctx, scope.ClusterID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !strings.EqualFold(res.Type, clusterType) {
		return nil, fmt.Errorf("cluster %s: %w", scope.ClusterID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading cluster %s: %w", scope.ClusterID, err)
	}
	return []*store.Resource{res}, nil
}

func (s *Service) policySyncsOf(ctx context.Context, c *store.Resource) (*policySyncs, error) {
	state, err := s.Store.DesiredState(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("reading the desired state of %s: %w", c.ID, err)
	}
	statuses, err := s.Store.ListStatuses(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("reading the statuses of %s: %w", c.ID, err)
	}
	ps := &policySyncs{cluster: c, statuses: map[string]protocol.ObjectStatus{}}
	for _, obj := range state.Items {
		if obj.Kind == protocol.KindPolicySync {
			ps.desired = append(ps.desired, obj)
		}
	}
	for _, st := range statuses {
		if st.Kind == protocol.KindPolicySync {
			ps.statuses[st.Name] = st
		}
	}
	return ps, nil
}

// ref decodes what the service reads of a desired PolicySync's spec.
func (ps *policySyncs) ref(obj protocol.DesiredObject) (policyRef, error) {
	var ref policyRef
	if err := json.Unmarshal(obj.Spec, &ref); err != nil {
		return ref, fmt.Errorf("decoding the desired PolicySync %s of %s: %w", obj.Name, ps.cluster.ID, err)
	}
	return ref, nil
}

// clusterOf reads what a policy state shows of a cluster resource.
func clusterOf(res *store.Resource) *cluster {
	var body struct {
		Location string `json:"location"`
	}
	_ = json.Unmarshal(res.Body, &body) // the location is shown when it can be read
	return &cluster{id: res.ID, subscription: res.Subscription, resourceGroup: res.ResourceGroup, location: body.Location}
}
