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
	"errors"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agent"
	"github.com/kubearc/kubearc/internal/flux"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// Kind is the GitOpsConfiguration kind: its Setup, and Flux's API types, which it writes and
// watches.
func Kind() agent.Kind { return agent.Kind{Setup: Setup, AddToScheme: addFluxToScheme} }

// addFluxToScheme adds the Flux kinds the reconciler writes: GitRepository and Kustomization.
func addFluxToScheme(scheme *runtime.Scheme) error {
	return errors.Join(sourcev1.AddToScheme(scheme), kustomizev1.AddToScheme(scheme))
}

// Setup adds the GitOpsConfiguration reconciler to the manager and returns the kind's
// desired-state mapping and status source.
func Setup(d agent.Deps) (agent.Parts, error) {
	r := &Reconciler{
		Client: d.Manager.GetClient(), APIReader: d.Manager.GetAPIReader(), Discovery: d.Clientset.Discovery(), Recorder: d.Recorder,
		Flux: &flux.Applier{Client: d.Manager.GetClient()}, Namespace: d.Namespace,
	}
	if err := r.SetupWithManager(d.Manager); err != nil {
		return agent.Parts{}, err
	}
	return agent.Parts{Desired: Desired(d.Target()), Report: Source(d.Namespace)}, nil
}

// SetupWithManager watches GitOpsConfigurations and the protected-settings Secrets of the
// agent's namespace; the Flux objects are watched once their APIs are served.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	secretRef := func(cfg *arcv1alpha1.GitOpsConfiguration) *arcv1alpha1.SecretReference { return cfg.Spec.SecretRef }
	c, err := reconcile.NewBuilder(mgr, &arcv1alpha1.GitOpsConfiguration{}, r.Namespace,
		reconcile.SecretUsers(r.Client, func() client.ObjectList { return &arcv1alpha1.GitOpsConfigurationList{} }, secretRef)).
		Named("gitopsconfiguration").
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
func configurationOfFluxObject(_ context.Context, o client.Object) []ctrl.Request {
	labels := o.GetLabels()
	return []ctrl.Request{{NamespacedName: client.ObjectKey{
		Namespace: labels[flux.LabelConfigurationNamespace], Name: labels[flux.LabelConfiguration],
	}}}
}
