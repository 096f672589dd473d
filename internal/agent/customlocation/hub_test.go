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
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func TestCheckRefusesNamespacesNoLocationMayTake(t *testing.T) {
	tests := []struct {
		name, wantErr string
		spec          protocol.CustomLocationSpec
	}{
		{name: "good", spec: protocol.CustomLocationSpec{LocationID: "id", Namespace: "apps", ClusterRoles: []string{"ext:operator"}}},
		{name: "no id", spec: protocol.CustomLocationSpec{Namespace: "apps"}, wantErr: "locationId"},
		{name: "not a DNS label", spec: protocol.CustomLocationSpec{LocationID: "id", Namespace: "Apps_1"}, wantErr: "not a DNS label"},
		{name: "system namespace", spec: protocol.CustomLocationSpec{LocationID: "id", Namespace: "kube-system"}, wantErr: "system namespace"},
		{name: "default namespace", spec: protocol.CustomLocationSpec{LocationID: "id", Namespace: "default"}, wantErr: "system namespace"},
		{name: "the agent's", spec: protocol.CustomLocationSpec{LocationID: "id", Namespace: agentNS}, wantErr: "the agent's own"},
		{name: "bad role", spec: protocol.CustomLocationSpec{LocationID: "id", Namespace: "apps", ClusterRoles: []string{"a/b"}}, wantErr: `"a/b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := check(agentNS)(tt.spec)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("check = %v, want an error saying %q", err, tt.wantErr)
			}
		})
	}
}

func TestCRSpecSortsTheRolesAsASet(t *testing.T) {
	spec, _ := CRSpec(protocol.CustomLocationSpec{LocationID: "id", Namespace: "apps", ClusterRoles: []string{"b", "a", "b"}, DeleteNamespace: true}, "")
	if strings.Join(spec.ClusterRoles, ",") != "a,b" || !spec.DeleteNamespace {
		t.Errorf("CR spec = %+v", spec)
	}
	if back := ProtocolSpec(spec); back.LocationID != "id" || back.Namespace != "apps" || !back.DeleteNamespace {
		t.Errorf("protocol spec = %+v", back)
	}
}

func TestHubStatusFollowsReady(t *testing.T) {
	hubOwned := func(cl *arcv1alpha1.CustomLocation) {
		cl.Labels = map[string]string{arcv1alpha1.ManagedByLabel: arcv1alpha1.ManagedByHub}
	}
	tests := []struct {
		name      string
		change    func(cl *arcv1alpha1.CustomLocation)
		wantState string
		wantError string
		wantOwned bool
	}{
		{name: "new", change: hubOwned, wantState: protocol.ProvisioningInProgress},
		{name: "ready", change: func(cl *arcv1alpha1.CustomLocation) { hubOwned(cl); reconcile.MarkReady(cl, "Succeeded", "ok") },
			wantState: protocol.ProvisioningSucceeded},
		{name: "ready for an older generation", change: func(cl *arcv1alpha1.CustomLocation) {
			hubOwned(cl)
			reconcile.MarkReady(cl, "Succeeded", "ok")
			cl.Generation = 2
		}, wantState: protocol.ProvisioningInProgress},
		{name: "waiting for a ClusterRole", change: func(cl *arcv1alpha1.CustomLocation) {
			hubOwned(cl)
			reconcile.MarkWaiting(cl, arcv1alpha1.ClusterRoleNotFoundReason, "The ClusterRoles x do not exist")
		}, wantState: protocol.ProvisioningFailed, wantError: "ClusterRoles x"},
		{name: "hub object unusable", change: func(cl *arcv1alpha1.CustomLocation) {
			hubOwned(cl)
			reconcile.MarkReady(cl, "Succeeded", "ok")
			reconcile.Set(cl, arcv1alpha1.HubSyncedCondition, metav1.ConditionFalse, arcv1alpha1.DesiredStateInvalidReason, "bad namespace")
		}, wantState: protocol.ProvisioningFailed, wantError: "bad namespace"},
		{name: "deleting", change: func(cl *arcv1alpha1.CustomLocation) {
			hubOwned(cl)
			reconcile.MarkStalled(cl, "X", "y")
			now := metav1.Now()
			cl.DeletionTimestamp = &now
		}, wantState: protocol.ProvisioningInProgress},
		{name: "cluster-owned", change: func(cl *arcv1alpha1.CustomLocation) { reconcile.MarkReady(cl, "Succeeded", "ok") },
			wantState: protocol.ProvisioningSucceeded, wantOwned: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := location()
			cl.Status = arcv1alpha1.CustomLocationStatus{}
			tt.change(cl)
			got := HubStatus(cl)
			if got.ProvisioningState != tt.wantState || !strings.Contains(got.ErrorMessage, tt.wantError) || (got.ClusterOwned != nil) != tt.wantOwned {
				t.Errorf("status = %+v, want %s with error %q, cluster-owned %v", got, tt.wantState, tt.wantError, tt.wantOwned)
			}
		})
	}
}
