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
	"context"
	"strings"
	"time"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"
)

// Gatekeeper's kinds come and go: the ConstraintTemplate kind with Gatekeeper, each
// constraint kind with its template. They are watched once they exist, so that a PolicySync
// follows Gatekeeper's word on its template and constraint (its audit, above all) at once.

// watchTemplates starts watching the agent's ConstraintTemplates, once.
func (r *Reconciler) watchTemplates(ctx context.Context) error {
	return r.watch(ctx, &templatesv1.ConstraintTemplate{}, templateGVK,
		func(ctx context.Context, t client.Object) []ctrl.Request { return r.usersOf(ctx, t.GetName()) },
		predicate.NewPredicateFuncs(managedByAgent))
}

// watchConstraints starts watching the agent's constraints of kind, once.
func (r *Reconciler) watchConstraints(ctx context.Context, kind string) error {
	return r.watch(ctx, emptyConstraint(kind, ""), ConstraintGVK(kind), r.policySyncOfConstraint,
		predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetLabels()[LabelPolicySync] != "" }))
}

// watch adds a watch of obj's kind gvk to the controller, unless it has one.
func (r *Reconciler) watch(ctx context.Context, obj client.Object, gvk schema.GroupVersionKind, users handler.MapFunc, p predicate.Predicate) error {
	r.watchMu.Lock()
	defer r.watchMu.Unlock()
	if r.watched[gvk] || r.controller == nil {
		return nil
	}
	if err := r.controller.Watch(source.Kind(r.cache, obj, handler.EnqueueRequestsFromMapFunc(users), p)); err != nil {
		return err
	}
	r.watched[gvk] = true
	ctrl.LoggerFrom(ctx).Info("Watching Gatekeeper objects", "kind", gvk.Kind)
	return nil
}

// unwatchConstraints stops watching the constraints of kind, whose template was deleted, so
// that the informer does not keep listing a kind that is gone.
func (r *Reconciler) unwatchConstraints(ctx context.Context, kind string) error {
	r.watchMu.Lock()
	defer r.watchMu.Unlock()
	gvk := ConstraintGVK(kind)
	if !r.watched[gvk] {
		return nil
	}
	delete(r.watched, gvk)
	ctrl.LoggerFrom(ctx).Info("No longer watching Gatekeeper objects", "kind", kind)
	return r.cache.RemoveInformer(ctx, emptyConstraint(kind, ""))
}

// policySyncOfConstraint maps a constraint to its PolicySync by its label.
func (r *Reconciler) policySyncOfConstraint(_ context.Context, o client.Object) []ctrl.Request {
	return []ctrl.Request{{NamespacedName: client.ObjectKey{Namespace: r.Namespace, Name: o.GetLabels()[LabelPolicySync]}}}
}

// usersOfCRD maps Gatekeeper's CRDs to the PolicySyncs waiting for them: the
// ConstraintTemplate CRD to every PolicySync, a constraint CRD to its template's users.
func (r *Reconciler) usersOfCRD(ctx context.Context, crd client.Object) []ctrl.Request {
	if crd.GetName() == templateCRD {
		return r.usersOf(ctx, "")
	}
	if template, ok := templateOfConstraintCRD(crd.GetName()); ok {
		return r.usersOf(ctx, template)
	}
	return nil
}

// isGatekeeperCRD selects the CRDs usersOfCRD maps.
func isGatekeeperCRD(crd client.Object) bool {
	return crd.GetName() == templateCRD || strings.HasSuffix(crd.GetName(), "."+constraintsGroup)
}

// usersOf are the PolicySyncs that applied the template name (every PolicySync when name is
// empty), as requests.
func (r *Reconciler) usersOf(ctx context.Context, name string) []ctrl.Request {
	users, err := r.templateUsers(ctx, r.Client, name, "")
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Mapping a Gatekeeper object to its PolicySyncs", "template", name)
		return nil
	}
	out := make([]ctrl.Request, 0, len(users))
	for i := range users {
		out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(&users[i])})
	}
	return out
}

// kindServed reports whether the API server serves gvk, the kind of the CRD crd: the CRD
// exists (as the cache says) and discovery lists the kind, which follows the CRD by a moment.
func (r *Reconciler) kindServed(ctx context.Context, crd string, gvk schema.GroupVersionKind) (bool, error) {
	err := r.Get(ctx, client.ObjectKey{Name: crd}, crdMetadata())
	if err == nil {
		_, err = r.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if apierrors.IsNotFound(err) || meta.IsNoMatchError(err) {
		return false, nil
	}
	return err == nil, err
}

// installPoll is how soon to look for Gatekeeper again while it is not served: soon when its
// CRD exists already (the CRD's watch event comes before the API server serves the kind, and
// no further event may come), else only as the fallback of that watch.
func (r *Reconciler) installPoll(ctx context.Context) time.Duration {
	if r.Get(ctx, client.ObjectKey{Name: templateCRD}, crdMetadata()) == nil {
		return gatekeeperPoll
	}
	return gatekeeperInstallPoll
}
