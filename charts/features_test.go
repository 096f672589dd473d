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

package charts_test

import (
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

// TestCustomLocationsFeatureTurnsOnTheFlagAndItsRights: features.customLocations passes
// --features=custom-locations to the agent and grants it bind on ClusterRoles, creating
// RoleBindings and managing namespaces; off, the agent gets neither.
func TestCustomLocationsFeatureTurnsOnTheFlagAndItsRights(t *testing.T) {
	on := mustRender(t, withValues(map[string]any{"features": map[string]any{"customLocations": true}}))
	var d appsv1.Deployment
	on.into(t, "Deployment", "kubearc-agent", &d)
	if args := d.Spec.Template.Spec.Containers[0].Args; !slices.Contains(args, "--features=custom-locations") {
		t.Errorf("agent args = %v, want --features=custom-locations", args)
	}
	var role rbacv1.ClusterRole
	on.into(t, "ClusterRole", "kubearc-agent-custom-locations", &role)
	if !grants(role.Rules, "rbac.authorization.k8s.io", "clusterroles", "bind") || !grants(role.Rules, "rbac.authorization.k8s.io", "rolebindings", "create") ||
		!grants(role.Rules, "", "namespaces", "delete") || grants(role.Rules, "rbac.authorization.k8s.io", "clusterroles", "escalate") {
		t.Errorf("custom-locations rules = %+v, want bind on clusterroles, create rolebindings, delete namespaces, no escalate", role.Rules)
	}
	var b rbacv1.ClusterRoleBinding
	on.into(t, "ClusterRoleBinding", "kubearc-agent-custom-locations", &b)
	if b.RoleRef.Name != "kubearc-agent-custom-locations" || len(b.Subjects) != 1 || b.Subjects[0].Name != "kubearc-agent" {
		t.Errorf("custom-locations binding = %+v, want the agent's ServiceAccount", b)
	}

	off := mustRender(t, goodValues())
	off.into(t, "Deployment", "kubearc-agent", &d)
	if args := d.Spec.Template.Spec.Containers[0].Args; slices.Contains(args, "--features=custom-locations") {
		t.Errorf("agent args without the feature = %v", args)
	}
	if off.find("ClusterRole", "kubearc-agent-custom-locations") != nil || off.find("ClusterRoleBinding", "kubearc-agent-custom-locations") != nil {
		t.Error("the custom-locations rights are rendered with the feature off")
	}
}

// grants reports whether rules allow verb on resource in group.
func grants(rules []rbacv1.PolicyRule, group, resource, verb string) bool {
	return slices.ContainsFunc(rules, func(r rbacv1.PolicyRule) bool {
		return slices.Contains(r.APIGroups, group) && slices.Contains(r.Resources, resource) && slices.Contains(r.Verbs, verb)
	})
}
