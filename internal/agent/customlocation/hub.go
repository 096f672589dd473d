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

package customlocation

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/report"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// This file maps between the hub's wire types (pkg/protocol) and the CustomLocation CR, for
// the desired-state mirror (hub → CR) and the status reporter (CR → hub).

// Limits of spec.clusterRoles, as the CRD has them.
const (
	maxClusterRoles    = 64
	maxClusterRoleName = 200
)

// check validates the hub's spec before it becomes a CR; agentNamespace is the agent's own.
func check(agentNamespace string) func(protocol.CustomLocationSpec) error {
	return func(spec protocol.CustomLocationSpec) error {
		if spec.LocationID == "" {
			return errors.New("the custom location's spec lacks locationId")
		}
		if err := checkNamespace(spec.Namespace, agentNamespace); err != nil {
			return err
		}
		if len(spec.ClusterRoles) > maxClusterRoles {
			return fmt.Errorf("the custom location has %d clusterRoles, more than the %d a location may bind", len(spec.ClusterRoles), maxClusterRoles)
		}
		if i := slices.IndexFunc(spec.ClusterRoles, func(r string) bool {
			return r == "" || len(r) > maxClusterRoleName || strings.ContainsAny(r, "/%")
		}); i >= 0 {
			return fmt.Errorf("the custom location's clusterRoles hold %q, which is no ClusterRole name", spec.ClusterRoles[i])
		}
		return nil
	}
}

// CRSpec turns the hub's spec into the CR's; ClusterRoles come sorted and without
// duplicates, as a set.
func CRSpec(in protocol.CustomLocationSpec, _ string) (arcv1alpha1.CustomLocationSpec, error) {
	roles := slices.Clone(in.ClusterRoles)
	slices.Sort(roles)
	return arcv1alpha1.CustomLocationSpec{LocationID: in.LocationID, Namespace: in.Namespace,
		ClusterRoles: slices.Compact(roles), DeleteNamespace: in.DeleteNamespace}, nil
}

// ProtocolSpec turns a CR spec back into the hub's shape, for a cluster-owned location.
func ProtocolSpec(in arcv1alpha1.CustomLocationSpec) protocol.CustomLocationSpec {
	return protocol.CustomLocationSpec{LocationID: in.LocationID, Namespace: in.Namespace,
		ClusterRoles: in.ClusterRoles, DeleteNamespace: in.DeleteNamespace}
}

// HubStatus is what the hub is told about cl: Succeeded once the namespace and every
// RoleBinding exist, Failed with Ready's message while they cannot be made (the feature is
// off, a ClusterRole is missing, the namespace is another location's), InProgress otherwise.
// A hub object the agent could not use (HubSynced False) is Failed with the reason.
func HubStatus(cl *arcv1alpha1.CustomLocation) protocol.CustomLocationStatus {
	st := cl.Status
	out := protocol.CustomLocationStatus{ProvisioningState: protocol.ProvisioningInProgress, Namespace: st.Namespace,
		RoleBindings: st.RoleBindings, Conditions: report.Conditions(st.Conditions)}
	ready := meta.FindStatusCondition(st.Conditions, arcv1alpha1.ReadyCondition)
	switch {
	case !cl.DeletionTimestamp.IsZero():
	case ready != nil && ready.Status == metav1.ConditionFalse:
		out.ProvisioningState, out.ErrorMessage = protocol.ProvisioningFailed, ready.Message
	case ready != nil && ready.Status == metav1.ConditionTrue && st.ObservedGeneration == cl.Generation:
		out.ProvisioningState = protocol.ProvisioningSucceeded
	}
	if rejected := meta.FindStatusCondition(st.Conditions, arcv1alpha1.HubSyncedCondition); rejected != nil &&
		rejected.Status == metav1.ConditionFalse {
		out.ProvisioningState, out.ErrorMessage = protocol.ProvisioningFailed, rejected.Message
	}
	out.ClusterOwned = clusterOwned(cl)
	return out
}

// deletedStatus is the ProvisioningDeleted status, sent once the RoleBindings are gone and
// the CR with them.
func deletedStatus(cl *arcv1alpha1.CustomLocation) any {
	return protocol.CustomLocationStatus{ProvisioningState: protocol.ProvisioningDeleted, Namespace: cl.Spec.Namespace,
		ClusterOwned: clusterOwned(cl)}
}

// clusterOwned is cl's spec for a location applied in the cluster, nil for the hub's.
func clusterOwned(cl *arcv1alpha1.CustomLocation) *protocol.CustomLocationSpec {
	if report.HubOwned(cl) {
		return nil
	}
	spec := ProtocolSpec(cl.Spec)
	return &spec
}
