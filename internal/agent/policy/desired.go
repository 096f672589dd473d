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
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/pkg/policytemplate"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxCRName is the longest PolicySync name: it labels the PolicySync's constraint.
const maxCRName = 63

// Desired is the desired.Kind of protocol.KindPolicySync: one PolicySync CR per policy
// assignment the hub sends, in target's namespace. An object whose template is no
// ConstraintTemplate is refused: the last good PolicySync, and its constraint, stay. The
// PolicySyncs the hub no longer has are deleted; their finalizer deletes the constraints.
func Desired(target desired.Target) desired.Kind {
	return &desired.Namespaced[protocol.PolicySyncSpec, arcv1alpha1.PolicySyncSpec, *arcv1alpha1.PolicySync]{
		Target: target, ProtocolKind: protocol.KindPolicySync, Noun: "policy assignment", MaxName: maxCRName,
		NameUse:   "a Gatekeeper constraint",
		NewList:   func() client.ObjectList { return &arcv1alpha1.PolicySyncList{} },
		Check:     check,
		Protected: func(protocol.PolicySyncSpec) string { return "" },
		CRSpec:    CRSpec,
		SetSpec:   func(cr *arcv1alpha1.PolicySync, spec arcv1alpha1.PolicySyncSpec) { cr.Spec = spec },
		FailedStatus: func(message string) any {
			return protocol.PolicySyncStatus{ComplianceState: protocol.PolicyError, ErrorMessage: message}
		},
	}
}

// enforcementActions are the values of a PolicySync's enforcementAction.
var enforcementActions = []string{protocol.EnforcementDeny, protocol.EnforcementDryRun, protocol.EnforcementWarn}

// check says what the hub's spec lacks, or that its template is no ConstraintTemplate the
// agent can apply.
func check(spec protocol.PolicySyncSpec) error {
	var missing []string
	for field, v := range map[string]string{"assignmentId": spec.AssignmentID, "template": spec.Template, "enforcementAction": spec.EnforcementAction} {
		if v == "" {
			missing = append(missing, field)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return errors.New("the policy assignment's spec lacks " + strings.Join(missing, ", "))
	}
	if !slices.Contains(enforcementActions, spec.EnforcementAction) {
		return fmt.Errorf("the policy assignment's enforcementAction %q is none of %s", spec.EnforcementAction, strings.Join(enforcementActions, ", "))
	}
	_, err := renderTemplate(spec.Template)
	return err
}

// CRSpec maps the hub's spec to the CR's; a PolicySync has no protected settings. Errors
// name the field.
func CRSpec(in protocol.PolicySyncSpec, _ string) (arcv1alpha1.PolicySyncSpec, error) {
	out := arcv1alpha1.PolicySyncSpec{
		AssignmentID: in.AssignmentID, DefinitionID: in.DefinitionID, DisplayName: in.DisplayName,
		EnforcementAction: arcv1alpha1.EnforcementAction(in.EnforcementAction), Template: in.Template,
		Message: in.Message, EvaluationRequest: in.EvaluationRequest,
		Match: arcv1alpha1.PolicyMatch{Namespaces: in.Match.Namespaces, ExcludedNamespaces: in.Match.ExcludedNamespaces},
	}
	for _, k := range in.Match.Kinds {
		out.Match.Kinds = append(out.Match.Kinds, arcv1alpha1.PolicyKinds{APIGroups: k.APIGroups, Kinds: k.Kinds})
	}
	if present(in.Match.LabelSelector) {
		sel, err := policytemplate.LabelSelector(in.Match.LabelSelector)
		if err != nil {
			return out, fmt.Errorf("the policy assignment's match.labelSelector: %w", err)
		}
		out.Match.LabelSelector = sel
	}
	if present(in.Parameters) {
		if err := strictJSON(in.Parameters, &map[string]any{}); err != nil {
			return out, fmt.Errorf("the policy assignment's parameters are not a JSON object: %w", err)
		}
		out.Parameters = &apiextensionsv1.JSON{Raw: in.Parameters}
	}
	return out, nil
}

// present reports whether raw holds a value other than null.
func present(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// strictJSON decodes raw into v, refusing fields v does not have.
func strictJSON(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// ProtocolSpec turns a CR spec back into the hub's shape, for reporting a PolicySync applied
// in the cluster.
func ProtocolSpec(in arcv1alpha1.PolicySyncSpec) protocol.PolicySyncSpec {
	out := protocol.PolicySyncSpec{
		AssignmentID: in.AssignmentID, DefinitionID: in.DefinitionID, DisplayName: in.DisplayName,
		EnforcementAction: string(in.EnforcementAction), Template: in.Template,
		Message: in.Message, EvaluationRequest: in.EvaluationRequest,
		Match: protocol.PolicyMatch{Namespaces: in.Match.Namespaces, ExcludedNamespaces: in.Match.ExcludedNamespaces},
	}
	for _, k := range in.Match.Kinds {
		out.Match.Kinds = append(out.Match.Kinds, protocol.PolicyKinds{APIGroups: k.APIGroups, Kinds: k.Kinds})
	}
	if in.Match.LabelSelector != nil {
		out.Match.LabelSelector, _ = json.Marshal(in.Match.LabelSelector) // plain data: cannot fail
	}
	if in.Parameters != nil {
		out.Parameters = in.Parameters.Raw
	}
	return out
}
