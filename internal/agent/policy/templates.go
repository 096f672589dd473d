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
	"fmt"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// A ConstraintTemplate is named after its constraints' kind, so PolicySyncs of one kind share
// it. This file keeps them from fighting over it, and deletes it with its last user.

// templateFree returns nil when ps may apply tmpl: no template of its name exists, it has the
// same content, or no other PolicySync applied the content it has. A template of the name
// that the agent did not write, or another PolicySync's content, is waited on: the first to
// apply the template keeps it, and what runs stays.
func (r *Reconciler) templateFree(ctx context.Context, ps *arcv1alpha1.PolicySync, tmpl *templatesv1.ConstraintTemplate) error {
	live := &templatesv1.ConstraintTemplate{}
	err := r.Get(ctx, client.ObjectKey{Name: tmpl.Name}, live)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return reconcile.Retry(arcv1alpha1.GatekeeperReadFailedReason, "Reading ConstraintTemplate "+tmpl.Name+" failed: "+err.Error(), err)
	}
	if !managedByAgent(live) {
		return reconcile.Wait(arcv1alpha1.TemplateConflictReason, "ConstraintTemplate "+tmpl.Name+
			" exists and was not written by the kubearc agent, which leaves it alone: delete it, or give this policy's template another kind",
			conflictRetry)
	}
	if sameContent(live, tmpl) {
		return nil
	}
	holder, err := r.templateHolder(ctx, ps, live)
	if err != nil {
		return reconcile.Retry(arcv1alpha1.GatekeeperReadFailedReason, "Listing the PolicySyncs failed: "+err.Error(), err)
	}
	if holder != "" {
		return reconcile.Wait(arcv1alpha1.TemplateConflictReason, fmt.Sprintf("PolicySync %s applied ConstraintTemplate %s with other "+
			"content, which keeps running: give this policy's template another kind, or make the two templates the same", holder, tmpl.Name),
			conflictRetry)
	}
	return nil
}

// templateHolder names another PolicySync that applied live's content, if one did.
func (r *Reconciler) templateHolder(ctx context.Context, ps *arcv1alpha1.PolicySync, live *templatesv1.ConstraintTemplate) (string, error) {
	users, err := r.templateUsers(ctx, r.Client, live.Name, ps.Name)
	if err != nil {
		return "", err
	}
	for _, other := range users {
		if tmpl, err := renderTemplate(other.Spec.Template); err == nil && sameContent(live, tmpl) {
			return other.Name, nil
		}
	}
	return "", nil
}

// templateUsers are the PolicySyncs of the agent's namespace, other than except and those
// being deleted, that applied the template name (all of them when name is empty), read
// through reader.
func (r *Reconciler) templateUsers(ctx context.Context, reader client.Reader, name, except string) ([]arcv1alpha1.PolicySync, error) {
	list := &arcv1alpha1.PolicySyncList{}
	if err := reader.List(ctx, list, client.InNamespace(r.Namespace)); err != nil {
		return nil, fmt.Errorf("listing the PolicySyncs: %w", err)
	}
	var out []arcv1alpha1.PolicySync
	for _, ps := range list.Items {
		if ps.Name != except && ps.DeletionTimestamp.IsZero() && (name == "" || ps.Status.TemplateName == name) {
			out = append(out, ps)
		}
	}
	return out, nil
}

// deleteGatekeeperObjects deletes ps's constraint, and its template unless another
// PolicySync uses it (as the API server, not the cache, says) or the agent did not write it.
// Gatekeeper deletes the template's constraint CRD with it.
func (r *Reconciler) deleteGatekeeperObjects(ctx context.Context, ps *arcv1alpha1.PolicySync) error {
	if kind := ps.Status.ConstraintKind; kind != "" {
		if err := ignoreGone(r.Delete(ctx, emptyConstraint(kind, ps.Status.ConstraintName))); err != nil {
			return fmt.Errorf("deleting constraint %s %s: %w", kind, ps.Status.ConstraintName, err)
		}
	}
	name := ps.Status.TemplateName
	if name == "" {
		return nil
	}
	users, err := r.templateUsers(ctx, r.APIReader, name, ps.Name)
	if err != nil || len(users) > 0 {
		return err
	}
	return r.deleteTemplate(ctx, name)
}

// deleteTemplate deletes the agent's template name, and stops watching its constraints.
func (r *Reconciler) deleteTemplate(ctx context.Context, name string) error {
	tmpl := &templatesv1.ConstraintTemplate{}
	err := r.APIReader.Get(ctx, client.ObjectKey{Name: name}, tmpl)
	if err != nil || !managedByAgent(tmpl) {
		return ignoreGone(err)
	}
	if err := ignoreGone(r.Delete(ctx, tmpl, client.Preconditions{UID: &tmpl.UID})); err != nil {
		return fmt.Errorf("deleting ConstraintTemplate %s: %w", name, err)
	}
	return r.unwatchConstraints(ctx, tmpl.Spec.CRD.Spec.Names.Kind)
}

// ignoreGone ignores the error of an object that is not there, or whose kind is not.
func ignoreGone(err error) error {
	if apierrors.IsNotFound(err) || meta.IsNoMatchError(err) {
		return nil
	}
	return err
}
