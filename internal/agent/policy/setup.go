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

package policy

import (
	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agent"
)

// Kind is the PolicySync kind: its Setup, and Gatekeeper's ConstraintTemplate type, which it
// writes and watches (constraints have run-time kinds and are handled unstructured).
func Kind() agent.Kind { return agent.Kind{Setup: Setup, AddToScheme: templatesv1.AddToScheme} }

// Setup adds the PolicySync reconciler to the manager and returns the kind's desired-state
// mapping and status source.
func Setup(d agent.Deps) (agent.Parts, error) {
	r := &Reconciler{Client: d.Manager.GetClient(), APIReader: d.Manager.GetAPIReader(), Recorder: d.Recorder, Namespace: d.Namespace}
	if err := r.SetupWithManager(d.Manager); err != nil {
		return agent.Parts{}, err
	}
	return agent.Parts{Desired: Desired(d.Target()), Report: Source(d.Namespace)}, nil
}

// SetupWithManager watches PolicySyncs (their spec) and the metadata of Gatekeeper's CRDs,
// which say when Gatekeeper is installed and when it created a template's constraint CRD.
// The templates and constraints are watched once their kinds exist.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	c, err := ctrl.NewControllerManagedBy(mgr).
		For(&arcv1alpha1.PolicySync{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(crdMetadata(), handler.EnqueueRequestsFromMapFunc(r.usersOfCRD),
			builder.WithPredicates(predicate.NewPredicateFuncs(isGatekeeperCRD))).
		Named("policysync").
		Build(r)
	if err != nil {
		return err
	}
	r.cache, r.controller, r.watched = mgr.GetCache(), c, map[schema.GroupVersionKind]bool{}
	return nil
}
