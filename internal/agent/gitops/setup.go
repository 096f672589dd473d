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

package gitops

import (
	"context"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agent"
	"github.com/kubearc/kubearc/internal/flux"
)

// Setup adds the GitOpsConfiguration reconciler to the manager and returns the kind's
// desired-state mapping and status source.
func Setup(d agent.Deps) (agent.Parts, error) {
	r := &Reconciler{
		Client: d.Manager.GetClient(), Discovery: d.Clientset.Discovery(), Recorder: d.Recorder,
		Flux: &flux.Applier{Client: d.Manager.GetClient()}, Namespace: d.Namespace,
	}
	if err := r.SetupWithManager(d.Manager); err != nil {
		return agent.Parts{}, err
	}
	return agent.Parts{Desired: &Desired{Target: d.Target()}, Report: Source(d.Namespace)}, nil
}

// SetupWithManager watches GitOpsConfigurations and the protected-settings Secrets of the
// agent's namespace; the Flux objects are watched once their APIs are served.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	inNamespace := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetNamespace() == r.Namespace })
	c, err := ctrl.NewControllerManagedBy(mgr).
		Named("gitopsconfiguration").
		For(&arcv1alpha1.GitOpsConfiguration{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.configurationsOfSecret), builder.WithPredicates(inNamespace)).
		Build(r)
	if err != nil {
		return err
	}
	r.cache, r.controller = mgr.GetCache(), c
	return nil
}

// ensureFluxWatches starts watching GitRepositories and Kustomizations, once.
func (r *Reconciler) ensureFluxWatches(ctx context.Context) error {
	r.watchMu.Lock()
	defer r.watchMu.Unlock()
	if r.watching || r.controller == nil {
		return nil
	}
	owned := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetLabels()[flux.LabelConfiguration] != "" })
	for _, obj := range []client.Object{&sourcev1.GitRepository{}, &kustomizev1.Kustomization{}} {
		src := source.Kind(r.cache, obj, handler.EnqueueRequestsFromMapFunc(configurationOfFluxObject), owned)
		if err := r.controller.Watch(src); err != nil {
			return err
		}
	}
	ctrl.LoggerFrom(ctx).Info("Watching the Flux objects")
	r.watching = true
	return nil
}

// configurationOfFluxObject maps a Flux object to its GitOpsConfiguration by its labels.
func configurationOfFluxObject(_ context.Context, o client.Object) []reconcile.Request {
	labels := o.GetLabels()
	return []reconcile.Request{{NamespacedName: client.ObjectKey{
		Namespace: labels[flux.LabelConfigurationNamespace], Name: labels[flux.LabelConfiguration],
	}}}
}

// configurationsOfSecret maps a Secret to the GitOpsConfigurations whose secretRef names it.
func (r *Reconciler) configurationsOfSecret(ctx context.Context, o client.Object) []reconcile.Request {
	list := &arcv1alpha1.GitOpsConfigurationList{}
	if err := r.List(ctx, list, client.InNamespace(o.GetNamespace())); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing the GitOpsConfigurations of a Secret")
		return nil
	}
	var out []reconcile.Request
	for _, cfg := range list.Items {
		if cfg.Spec.SecretRef != nil && cfg.Spec.SecretRef.Name == o.GetName() {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&cfg)})
		}
	}
	return out
}
