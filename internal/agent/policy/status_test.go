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
	"strings"
	"testing"
	"time"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// step is one step of a reconcile, given what the steps before it left.
type step func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync]

func TestConditionTransitions(t *testing.T) {
	ps := policySync(t, "p")
	other := policySync(t, "other")
	other.Status.TemplateName = "k8srequiredlabels"
	other.Spec.Template = strings.Replace(requiredLabels(t), "must provide", "need", 1)
	gatekeeper := []client.Object{crd(templateCRD), crd(constraintCRD("K8sRequiredLabels"))}
	installed := func(objs ...client.Object) []client.Object { return append(objs, gatekeeper...) }
	foreign := liveTemplate(t, ps)
	foreign.Labels = nil
	held := liveTemplate(t, other)
	compileError := templatesv1.CreateCRDError{Code: "ingest_error", Message: "rego_parse_error: unexpected eof token"}
	badTemplate := policySync(t, "p")
	badTemplate.Spec.Template = "apiVersion: v1\nkind: ConfigMap\n"
	kindChanged := policySync(t, "p")
	kindChanged.Status.ConstraintKind = "K8sAllowedRepos"
	tests := []struct {
		name        string
		ps          *arcv1alpha1.PolicySync
		objs        []client.Object
		step        step
		wantReady   metav1.ConditionStatus
		wantReason  string
		stalled     bool
		wantRequeue time.Duration
		wantState   arcv1alpha1.PolicyComplianceState
	}{
		{name: "a template that is no ConstraintTemplate stalls", ps: badTemplate, step: func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.render },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.InvalidTemplateReason, stalled: true, wantState: arcv1alpha1.PolicyError},
		{name: "a changed constraint kind stalls", ps: kindChanged, step: func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.sameKind },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.TemplateKindChangedReason, stalled: true, wantState: arcv1alpha1.PolicyError},
		{name: "without Gatekeeper it waits", step: func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.gatekeeperInstalled },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.GatekeeperNotInstalledReason, wantRequeue: gatekeeperInstallPoll,
			wantState: arcv1alpha1.PolicyUnknown},
		{name: "someone else's template of the name is left alone", objs: installed(foreign),
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.applyTemplate },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.TemplateConflictReason, wantRequeue: conflictRetry, wantState: arcv1alpha1.PolicyError},
		{name: "another PolicySync's template of the name is left alone", objs: installed(held, other),
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.applyTemplate },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.TemplateConflictReason, wantRequeue: conflictRetry, wantState: arcv1alpha1.PolicyError},
		{name: "a template Gatekeeper cannot compile stalls", objs: installed(liveTemplate(t, ps, compileError)),
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.templateReady },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.TemplateErrorReason, stalled: true, wantState: arcv1alpha1.PolicyError},
		{name: "a template whose stale errors the cache still shows is waited for", objs: installed(liveTemplate(t, other, compileError)),
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.templateReady },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.TemplatePendingReason, wantRequeue: gatekeeperPoll, wantState: arcv1alpha1.PolicyUnknown},
		{name: "a template Gatekeeper did not take in yet is waited for", objs: installed(),
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.templateReady },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.TemplatePendingReason, wantRequeue: gatekeeperPoll, wantState: arcv1alpha1.PolicyUnknown},
		{name: "a missing constraint CRD is waited for", objs: []client.Object{crd(templateCRD)},
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.constraintServed },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.TemplatePendingReason, wantRequeue: gatekeeperPoll, wantState: arcv1alpha1.PolicyUnknown},
		{name: "a constraint Gatekeeper reports errors for stalls", objs: installed(liveConstraint(t, ps, map[string]any{"byPod": []any{
			map[string]any{"observedGeneration": int64(1), "errors": []any{map[string]any{"code": "invalid", "message": "bad parameters"}}}}})),
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.observe },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.ConstraintRejectedReason, stalled: true, wantState: arcv1alpha1.PolicyError},
		{name: "a constraint not enforced yet is waited for", objs: installed(liveConstraint(t, ps, nil)),
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.observe },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.ConstraintPendingReason, wantRequeue: gatekeeperPoll, wantState: arcv1alpha1.PolicyUnknown},
		{name: "an enforced constraint before its first audit is ready and Unknown", objs: installed(liveConstraint(t, ps, map[string]any{"byPod": []any{
			map[string]any{"observedGeneration": int64(1), "enforced": true}}})),
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.observe },
			wantReady: metav1.ConditionTrue, wantReason: arcv1alpha1.EnforcedReason, wantRequeue: resync, wantState: arcv1alpha1.PolicyUnknown},
		{name: "an audit without violations is Compliant", objs: installed(liveConstraint(t, ps, auditStatus(0, 0))),
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.observe },
			wantReady: metav1.ConditionTrue, wantReason: arcv1alpha1.EnforcedReason, wantRequeue: resync, wantState: arcv1alpha1.PolicyCompliant},
		{name: "an audit with violations is NonCompliant, and still Ready", objs: installed(liveConstraint(t, ps, auditStatus(2, 2))),
			step:      func(e *enforcing) reconcile.Step[*arcv1alpha1.PolicySync] { return e.observe },
			wantReady: metav1.ConditionTrue, wantReason: arcv1alpha1.EnforcedReason, wantRequeue: resync, wantState: arcv1alpha1.PolicyNonCompliant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := tt.ps
			if obj == nil {
				obj = policySync(t, "p")
			}
			obj = obj.DeepCopy()
			r := cluster(t, tt.objs...)
			e := &enforcing{r: r}
			steps := []reconcile.Step[*arcv1alpha1.PolicySync]{tt.step(e)}
			if _, err := renderTemplate(obj.Spec.Template); err == nil { // what render leaves, the others need
				steps = append([]reconcile.Step[*arcv1alpha1.PolicySync]{e.render}, steps...)
			}
			result, err := reconcile.Run(t.Context(), obj, steps...)
			r.summarize(obj)
			if err != nil {
				t.Fatalf("error = %v, want none (each case ends in a wait, a stall or success)", err)
			}
			ready := reconcile.Get(obj, arcv1alpha1.ReadyCondition)
			if ready == nil || ready.Status != tt.wantReady || ready.Reason != tt.wantReason {
				t.Fatalf("Ready = %+v, want %s %s", ready, tt.wantReady, tt.wantReason)
			}
			if got := reconcile.Get(obj, arcv1alpha1.StalledCondition) != nil; got != tt.stalled {
				t.Errorf("Stalled present = %v, want %v", got, tt.stalled)
			}
			if got := result.RequeueAfter; got < tt.wantRequeue*9/10 || got > tt.wantRequeue*11/10 {
				t.Errorf("requeue after %s, want about %s", got, tt.wantRequeue)
			}
			if obj.Status.ComplianceState != tt.wantState {
				t.Errorf("complianceState = %s, want %s", obj.Status.ComplianceState, tt.wantState)
			}
			if wantError := tt.wantState == arcv1alpha1.PolicyError; (obj.Status.ErrorMessage != "") != wantError ||
				(wantError && obj.Status.ErrorMessage != ready.Message) {
				t.Errorf("errorMessage = %q, want Ready's message: %v", obj.Status.ErrorMessage, wantError)
			}
		})
	}
}

// A Gatekeeper CRD the API server does not serve yet is looked for again soon: its watch
// event came already. Without the CRD the watch wakes the PolicySync, and the poll is a
// fallback.
func TestInstallPoll(t *testing.T) {
	if got := cluster(t).installPoll(t.Context()); got != gatekeeperInstallPoll {
		t.Errorf("without Gatekeeper's CRD: poll %v, want %v", got, gatekeeperInstallPoll)
	}
	if got := cluster(t, crd(templateCRD)).installPoll(t.Context()); got != gatekeeperPoll {
		t.Errorf("with Gatekeeper's CRD not served yet: poll %v, want %v", got, gatekeeperPoll)
	}
}
