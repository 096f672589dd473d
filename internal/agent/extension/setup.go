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

package extension

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agent"
)

// Setup adds the Extension reconciler to the manager and returns the kind's desired-state
// mapping and status source.
func Setup(d agent.Deps) (agent.Parts, error) {
	r := &Reconciler{Client: d.Manager.GetClient(), Helm: d.Helm, Charts: d.Charts, Recorder: d.Recorder, Namespace: d.Namespace}
	if err := r.SetupWithManager(d.Manager); err != nil {
		return agent.Parts{}, err
	}
	return agent.Parts{Desired: &Desired{Target: d.Target()}, Report: Source(d.Namespace)}, nil
}

// SetupWithManager watches Extensions and the Secrets their protected settings live in.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&arcv1alpha1.Extension{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.extensionsOfSecret)).
		Named("extension").
		Complete(r)
}

// extensionsOfSecret maps a Secret to the Extensions whose protected settings it holds.
func (r *Reconciler) extensionsOfSecret(ctx context.Context, o client.Object) []reconcile.Request {
	if o.GetNamespace() != r.Namespace {
		return nil
	}
	list := &arcv1alpha1.ExtensionList{}
	if err := r.List(ctx, list, client.InNamespace(r.Namespace)); err != nil {
		return nil
	}
	var out []reconcile.Request
	for _, e := range list.Items {
		if ref := e.Spec.ProtectedSettingsSecretRef; ref != nil && ref.Name == o.GetName() {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&e)})
		}
	}
	return out
}
