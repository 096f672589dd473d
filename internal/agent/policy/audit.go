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
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxViolationMessage bounds the message kept per violating object, so that a thousand of
// them fit in the PolicySync's status.
const maxViolationMessage = 512

// constraintStatus is what Gatekeeper writes in a constraint's status: its audit results and
// one entry per Gatekeeper pod. The constraint's kind is created at run time, so there is no
// Go type for it; Gatekeeper's own types of its parts are not imported either: the audit's
// StatusViolation lives with the policy engine, and the status package registers a global
// --operation flag when imported.
type constraintStatus struct {
	AuditTimestamp  string           `json:"auditTimestamp,omitempty"`
	TotalViolations *int64           `json:"totalViolations,omitempty"`
	Violations      []auditViolation `json:"violations,omitempty"`
	ByPod           []podStatus      `json:"byPod,omitempty"`
}

// auditViolation is one violating object of the audit.
type auditViolation struct {
	Group             string `json:"group,omitempty"`
	Version           string `json:"version,omitempty"`
	Kind              string `json:"kind,omitempty"`
	Namespace         string `json:"namespace,omitempty"`
	Name              string `json:"name,omitempty"`
	Message           string `json:"message,omitempty"`
	EnforcementAction string `json:"enforcementAction,omitempty"`
}

// podStatus is what one Gatekeeper pod says of the constraint.
type podStatus struct {
	ID                 string     `json:"id,omitempty"`
	ObservedGeneration int64      `json:"observedGeneration,omitempty"`
	Enforced           bool       `json:"enforced,omitempty"`
	Errors             []podError `json:"errors,omitempty"`
}

// podError is an error a Gatekeeper pod reports for a template or constraint.
type podError struct {
	Code     string `json:"code,omitempty"`
	Message  string `json:"message,omitempty"`
	Location string `json:"location,omitempty"`
}

// readConstraintStatus decodes a constraint's status.
func readConstraintStatus(u *unstructured.Unstructured) (constraintStatus, error) {
	var st constraintStatus
	raw, _, err := unstructured.NestedMap(u.Object, "status")
	if err == nil {
		err = runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &st)
	}
	if err != nil {
		return st, fmt.Errorf("reading the status of constraint %s %s: %w", u.GetKind(), u.GetName(), err)
	}
	return st, nil
}

// enforced reports whether a Gatekeeper pod enforces the constraint at generation.
func (s constraintStatus) enforced(generation int64) bool {
	for _, p := range s.ByPod {
		if p.ObservedGeneration == generation && p.Enforced {
			return true
		}
	}
	return false
}

// errorsAt joins the errors Gatekeeper's pods report for generation; empty when none do.
func (s constraintStatus) errorsAt(generation int64) string {
	var errs []podError
	for _, p := range s.ByPod {
		if p.ObservedGeneration == generation {
			errs = append(errs, p.Errors...)
		}
	}
	return joinErrors(errs)
}

// joinErrors is Gatekeeper's errors as one message, each with its code and location.
func joinErrors(errs []podError) string {
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		msg := e.Code + ": " + e.Message
		if e.Location != "" {
			msg += " (at " + e.Location + ")"
		}
		msgs = append(msgs, msg)
	}
	return strings.Join(msgs, "; ")
}

// recordAudit copies Gatekeeper's view of the constraint at generation into ps's status: the
// last audit, at most protocol.MaxPolicyViolations violating objects, and whether it is
// enforced. spec.evaluationRequest counts as answered.
func recordAudit(ps *arcv1alpha1.PolicySync, st constraintStatus, generation int64) {
	out := &ps.Status
	out.Enforced = st.enforced(generation)
	out.AuditTimestamp = nil
	if t, err := time.Parse(time.RFC3339, st.AuditTimestamp); err == nil {
		out.AuditTimestamp = &metav1.Time{Time: t}
	}
	out.TotalViolations = st.TotalViolations
	out.Violations = violations(st.Violations)
	total := int64(len(st.Violations))
	if st.TotalViolations != nil {
		total = *st.TotalViolations
	}
	out.ViolationsTruncated = total > int64(len(out.Violations))
	out.EvaluationRequest = ps.Spec.EvaluationRequest
}

// violations are the first protocol.MaxPolicyViolations of the audit's, messages shortened.
func violations(in []auditViolation) []arcv1alpha1.PolicyViolation {
	if len(in) == 0 {
		return nil
	}
	in = in[:min(len(in), protocol.MaxPolicyViolations)]
	out := make([]arcv1alpha1.PolicyViolation, 0, len(in))
	for _, v := range in {
		out = append(out, arcv1alpha1.PolicyViolation{
			Group: v.Group, Version: v.Version, Kind: v.Kind, Namespace: v.Namespace, Name: v.Name,
			Message: shorten(v.Message, maxViolationMessage), EnforcementAction: v.EnforcementAction,
		})
	}
	return out
}

// shorten cuts s to at most n bytes, at a character boundary.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n-3], "") + "..."
}
