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
	"strings"
	"time"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// enforcing is one reconcile's way to an enforced constraint: each step leaves what the next
// needs.
type enforcing struct {
	r          *Reconciler
	template   *templatesv1.ConstraintTemplate
	constraint *unstructured.Unstructured
}

// kind is the constraint's kind.
func (e *enforcing) kind() string { return e.constraint.GetKind() }

// render parses the template and builds the constraint; a spec that cannot be rendered
// stalls, and what the PolicySync applied before keeps running.
func (e *enforcing) render(_ context.Context, ps *arcv1alpha1.PolicySync) (ctrl.Result, error) {
	tmpl, err := renderTemplate(ps.Spec.Template)
	if err != nil {
		return ctrl.Result{}, reconcile.Stall(arcv1alpha1.InvalidTemplateReason, err.Error())
	}
	constraint, err := renderConstraint(ps, tmpl.Spec.CRD.Spec.Names.Kind)
	if err != nil {
		return ctrl.Result{}, reconcile.Stall(arcv1alpha1.InvalidSpecReason, err.Error())
	}
	e.template, e.constraint = tmpl, constraint
	return ctrl.Result{}, nil
}

// sameKind stalls a template whose constraint kind is not the one the PolicySync applied:
// that constraint keeps running.
func (e *enforcing) sameKind(_ context.Context, ps *arcv1alpha1.PolicySync) (ctrl.Result, error) {
	applied := ps.Status.ConstraintKind
	if applied == "" || applied == e.kind() {
		return ctrl.Result{}, nil
	}
	return ctrl.Result{}, reconcile.Stall(arcv1alpha1.TemplateKindChangedReason, fmt.Sprintf(
		"spec.template's constraint kind changed from %s to %s, and the %s constraint keeps running: restore the kind, "+
			"or delete this PolicySync (on the hub: the policy assignment) and create it again", applied, e.kind(), applied))
}

// gatekeeperInstalled waits until the API server serves Gatekeeper's ConstraintTemplates,
// then watches them.
func (e *enforcing) gatekeeperInstalled(ctx context.Context, ps *arcv1alpha1.PolicySync) (ctrl.Result, error) {
	installed, err := e.r.kindServed(ctx, templateCRD, templateGVK)
	if err != nil {
		return ctrl.Result{}, reconcile.Retry(arcv1alpha1.GatekeeperReadFailedReason,
			"Looking up Gatekeeper's CRDs failed: "+err.Error(), err)
	}
	if !installed {
		ps.Status.Enforced = false
		return ctrl.Result{}, reconcile.Wait(arcv1alpha1.GatekeeperNotInstalledReason, gatekeeperNotInstalledMessage, e.r.installPoll(ctx))
	}
	return ctrl.Result{}, e.r.watchTemplates(ctx)
}

// applyTemplate applies the template, unless it is taken: held with other content by
// another PolicySync, or not the agent's.
func (e *enforcing) applyTemplate(ctx context.Context, ps *arcv1alpha1.PolicySync) (ctrl.Result, error) {
	if err := e.r.templateFree(ctx, ps, e.template); err != nil {
		return ctrl.Result{}, err
	}
	if err := e.r.apply(ctx, e.template); err != nil {
		return ctrl.Result{}, applyFailed(arcv1alpha1.TemplateErrorReason, "ConstraintTemplate "+e.template.Name, err)
	}
	ps.Status.TemplateName = e.template.Name
	return ctrl.Result{}, nil
}

// templateReady reads back what Gatekeeper made of the template. One it cannot use (its Rego
// does not compile, say) stalls: retrying the same template cannot help, and Gatekeeper's
// next word on it (the templates are watched) or a new spec wakes the PolicySync.
func (e *enforcing) templateReady(ctx context.Context, _ *arcv1alpha1.PolicySync) (ctrl.Result, error) {
	name := e.template.Name
	live := &templatesv1.ConstraintTemplate{}
	if err := e.r.Get(ctx, client.ObjectKey{Name: name}, live); client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, reconcile.Retry(arcv1alpha1.GatekeeperReadFailedReason,
			"Reading ConstraintTemplate "+name+" failed: "+err.Error(), err)
	}
	if !sameContent(live, e.template) { // the cache has not seen the apply yet
		return ctrl.Result{}, reconcile.Wait(arcv1alpha1.TemplatePendingReason, "Waiting for ConstraintTemplate "+name, gatekeeperPoll)
	}
	if msg := templateErrors(live); msg != "" {
		return ctrl.Result{}, reconcile.Stall(arcv1alpha1.TemplateErrorReason, "Gatekeeper cannot use ConstraintTemplate "+name+": "+msg)
	}
	if !templateProcessed(live) {
		return ctrl.Result{}, reconcile.Wait(arcv1alpha1.TemplatePendingReason,
			"Waiting for Gatekeeper to take in ConstraintTemplate "+name, gatekeeperPoll)
	}
	return ctrl.Result{}, nil
}

// constraintServed waits until the API server serves the template's constraints, whose CRD
// Gatekeeper creates, then watches them.
func (e *enforcing) constraintServed(ctx context.Context, _ *arcv1alpha1.PolicySync) (ctrl.Result, error) {
	served, err := e.r.kindServed(ctx, constraintCRD(e.kind()), ConstraintGVK(e.kind()))
	if err != nil {
		return ctrl.Result{}, reconcile.Retry(arcv1alpha1.GatekeeperReadFailedReason,
			"Looking up the CRD of the "+e.kind()+" constraints failed: "+err.Error(), err)
	}
	if !served {
		return ctrl.Result{}, reconcile.Wait(arcv1alpha1.TemplatePendingReason,
			"Waiting for Gatekeeper to create the CRD of the "+e.kind()+" constraints", gatekeeperPoll)
	}
	return ctrl.Result{}, e.r.watchConstraints(ctx, e.kind())
}

// applyConstraint applies the constraint; one the API server or Gatekeeper refuses (its
// parameters do not fit the template's schema, say) stalls.
func (e *enforcing) applyConstraint(ctx context.Context, ps *arcv1alpha1.PolicySync) (ctrl.Result, error) {
	if err := e.r.apply(ctx, e.constraint); err != nil {
		return ctrl.Result{}, applyFailed(arcv1alpha1.ConstraintRejectedReason, e.what(), err)
	}
	ps.Status.ConstraintKind, ps.Status.ConstraintName = e.kind(), e.constraint.GetName()
	return ctrl.Result{}, nil
}

// observe reads Gatekeeper's status of the constraint: its errors, whether it is enforced,
// and its last audit.
func (e *enforcing) observe(ctx context.Context, ps *arcv1alpha1.PolicySync) (ctrl.Result, error) {
	live := emptyConstraint(e.kind(), e.constraint.GetName())
	err := e.r.Get(ctx, client.ObjectKeyFromObject(live), live)
	var st constraintStatus
	if err == nil {
		st, err = readConstraintStatus(live)
	}
	if err != nil {
		return ctrl.Result{}, reconcile.Retry(arcv1alpha1.GatekeeperReadFailedReason,
			"Reading the status of "+e.what()+" failed: "+err.Error(), err)
	}
	if msg := st.errorsAt(live.GetGeneration()); msg != "" {
		return ctrl.Result{}, reconcile.Stall(arcv1alpha1.ConstraintRejectedReason, "Gatekeeper cannot enforce "+e.what()+": "+msg)
	}
	recordAudit(ps, st, live.GetGeneration())
	if !ps.Status.Enforced {
		return ctrl.Result{}, reconcile.Wait(arcv1alpha1.ConstraintPendingReason,
			"Waiting for Gatekeeper to enforce "+e.what(), gatekeeperPoll)
	}
	reconcile.MarkReady(ps, arcv1alpha1.EnforcedReason, e.enforcedMessage(ps))
	return ctrl.Result{RequeueAfter: reconcile.Jitter(resync)}, nil
}

// what names the constraint in messages.
func (e *enforcing) what() string {
	return "constraint " + e.kind() + " " + e.constraint.GetName()
}

// enforcedMessage says what Gatekeeper does and what its last audit found.
func (e *enforcing) enforcedMessage(ps *arcv1alpha1.PolicySync) string {
	msg := fmt.Sprintf("Gatekeeper enforces %s (enforcementAction %s)", e.what(), enforcementAction(ps))
	st := ps.Status
	if st.AuditTimestamp == nil {
		return msg + "; it has not audited the cluster with it yet"
	}
	total := int64(0)
	if st.TotalViolations != nil {
		total = *st.TotalViolations
	}
	return fmt.Sprintf("%s; its audit at %s found %d violating objects", msg, st.AuditTimestamp.UTC().Format(time.RFC3339), total)
}

// applyFailed stalls an object the API server or Gatekeeper's webhook refused (reason, with
// their message), and retries any other failure.
func applyFailed(reason, what string, err error) error {
	if apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) ||
		(apierrors.IsForbidden(err) && strings.Contains(err.Error(), "admission webhook")) {
		return reconcile.Stall(reason, "The API server refused "+what+": "+err.Error())
	}
	return reconcile.Retry(arcv1alpha1.ApplyFailedReason, "Applying "+what+" failed: "+err.Error(), err)
}
