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
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agent"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// Kind is the Extension kind; it uses no API types beside Kubernetes' and arc.kubearc.io's.
func Kind() agent.Kind { return agent.Kind{Setup: Setup} }

// Setup adds the Extension reconciler to the manager and returns the kind's desired-state
// mapping and status source.
func Setup(d agent.Deps) (agent.Parts, error) {
	r := &Reconciler{Client: d.Manager.GetClient(), APIReader: d.Manager.GetAPIReader(), Helm: d.Helm, Recorder: d.Recorder, Namespace: d.Namespace}
	if err := r.SetupWithManager(d.Manager); err != nil {
		return agent.Parts{}, err
	}
	return agent.Parts{Desired: Desired(d.Target()), Report: Source(d.Namespace)}, nil
}

// SetupWithManager watches Extensions and the Secrets their protected settings live in.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	protectedSettings := func(e *arcv1alpha1.Extension) *arcv1alpha1.SecretReference { return e.Spec.ProtectedSettingsSecretRef }
	return reconcile.NewBuilder(mgr, &arcv1alpha1.Extension{}, r.Namespace,
		reconcile.SecretUsers(r.Client, func() client.ObjectList { return &arcv1alpha1.ExtensionList{} }, protectedSettings)).
		Named("extension").
		Complete(r)
}
