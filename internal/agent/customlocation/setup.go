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
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agent"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Kind is the CustomLocation kind; it uses Kubernetes' own API types only.
func Kind() agent.Kind { return agent.Kind{Setup: Setup} }

// Setup adds the CustomLocation reconciler to the manager and returns the kind's
// desired-state mapping and status source.
func Setup(d agent.Deps) (agent.Parts, error) {
	r := &Reconciler{Client: d.Manager.GetClient(), APIReader: d.Manager.GetAPIReader(), Recorder: d.Recorder,
		Namespace: d.Namespace, Enabled: d.Enabled(protocol.FeatureCustomLocations)}
	if err := r.SetupWithManager(d.Manager); err != nil {
		return agent.Parts{}, err
	}
	return agent.Parts{Desired: Desired(d.Target()), Report: Source(d.Namespace)}, nil
}

// SetupWithManager watches CustomLocations, and the metadata of namespaces, ClusterRoles and
// the agent's RoleBindings: a namespace freed or gone, a ClusterRole installed, a RoleBinding
// removed by hand each wake the locations concerned.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	agentsBinding := predicate.NewPredicateFuncs(func(o client.Object) bool {
		return o.GetLabels()[arcv1alpha1.AgentManagedByLabel] == arcv1alpha1.AgentManagedBy && o.GetLabels()[arcv1alpha1.CustomLocationLabel] != ""
	})
	return ctrl.NewControllerManagedBy(mgr).
		For(&arcv1alpha1.CustomLocation{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(r.locationsWhere(func(cl *arcv1alpha1.CustomLocation, name string) bool {
			return cl.Spec.Namespace == name
		})), builder.OnlyMetadata).
		Watches(&rbacv1.ClusterRole{}, handler.EnqueueRequestsFromMapFunc(r.locationsWhere(func(cl *arcv1alpha1.CustomLocation, name string) bool {
			return slices.Contains(cl.Spec.ClusterRoles, name)
		})), builder.OnlyMetadata).
		Watches(&rbacv1.RoleBinding{}, handler.EnqueueRequestsFromMapFunc(r.locationOfBinding), builder.OnlyMetadata,
			builder.WithPredicates(agentsBinding)).
		Named("customlocation").
		Complete(r)
}

// locationsWhere maps an object to the locations of the agent's namespace that use it by
// name.
func (r *Reconciler) locationsWhere(uses func(cl *arcv1alpha1.CustomLocation, name string) bool) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []ctrl.Request {
		list := &arcv1alpha1.CustomLocationList{}
		if err := r.List(ctx, list, client.InNamespace(r.Namespace)); err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "Listing the custom locations", "object", o.GetName())
			return nil
		}
		var out []ctrl.Request
		for i := range list.Items {
			if uses(&list.Items[i], o.GetName()) {
				out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
			}
		}
		return out
	}
}

// locationOfBinding maps one of the agent's RoleBindings to its location by its label.
func (r *Reconciler) locationOfBinding(_ context.Context, o client.Object) []ctrl.Request {
	return []ctrl.Request{{NamespacedName: client.ObjectKey{Namespace: r.Namespace, Name: o.GetLabels()[arcv1alpha1.CustomLocationLabel]}}}
}
