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

package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/connection"
)

// ArcConnectionReconciler keeps the cluster connected to the hub named by the ArcConnection:
// identity, registration, heartbeats with metadata, and the hub's agent profile.
type ArcConnectionReconciler struct {
	client.Client
	Connector *connection.Connector
}

// +kubebuilder:rbac:groups=arc.kubearc.io,resources=arcconnections,verbs=get;list;watch
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=arcconnections/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups="",resources=nodes,verbs=list
// +kubebuilder:rbac:groups="",namespace=kubearc-system,resources=secrets,verbs=get;list;watch;create;patch

// Reconcile connects the cluster and records the outcome in the ArcConnection's status.
func (r *ArcConnectionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	obj := &arcv1alpha1.ArcConnection{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.Connector.Stop() // disconnected: nothing speaks for the cluster any more
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	base := obj.DeepCopy()
	result, err := r.Connector.Sync(ctx, obj)
	if patchErr := r.Status().Patch(ctx, obj, client.MergeFrom(base)); patchErr != nil && err == nil {
		err = patchErr
	}
	return result, err
}

// SetupWithManager watches the ArcConnection, the Secrets in the agent's namespace it reads,
// and the Connector's wake-ups from the hub's desired state.
func (r *ArcConnectionReconciler) SetupWithManager(mgr ctrl.Manager) error {
	toDefault := handler.EnqueueRequestsFromMapFunc(func(context.Context, client.Object) []reconcile.Request {
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}}}
	})
	inAgentNamespace := predicate.NewPredicateFuncs(func(o client.Object) bool {
		return o.GetNamespace() == r.Connector.Namespace
	})
	return ctrl.NewControllerManagedBy(mgr).
		For(&arcv1alpha1.ArcConnection{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&corev1.Secret{}, toDefault, builder.WithPredicates(inAgentNamespace)).
		WatchesRawSource(source.Channel(r.Connector.Wake, &handler.EnqueueRequestForObject{})).
		Complete(r)
}
