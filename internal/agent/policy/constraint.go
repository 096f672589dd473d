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
	"slices"

	"github.com/open-policy-agent/gatekeeper/v3/pkg/mutation/match"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/wildcard"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/policytemplate"
)

// renderConstraint builds ps's constraint of kind, named after ps: spec.match from
// Gatekeeper's own Match type, spec.enforcementAction and spec.parameters, labelled with ps
// and annotated with the assignment it enforces.
func renderConstraint(ps *arcv1alpha1.PolicySync, kind string) (*unstructured.Unstructured, error) {
	if sel := ps.Spec.Match.LabelSelector; sel != nil {
		if err := policytemplate.CheckLabelSelector(sel); err != nil {
			return nil, fmt.Errorf("spec.match.labelSelector: %w", err)
		}
	}
	matchSpec, err := runtime.DefaultUnstructuredConverter.ToUnstructured(gatekeeperMatch(ps.Spec.Match, systemNamespaces(ps.Namespace)))
	if err != nil {
		return nil, fmt.Errorf("converting spec.match: %w", err)
	}
	spec := map[string]any{"enforcementAction": string(enforcementAction(ps)), "match": matchSpec}
	if p := ps.Spec.Parameters; p != nil && len(p.Raw) > 0 {
		var params map[string]any
		if err := utiljson.Unmarshal(p.Raw, &params); err != nil {
			return nil, fmt.Errorf("spec.parameters is not a JSON object: %w", err)
		}
		spec["parameters"] = params
	}
	u := emptyConstraint(kind, ps.Name)
	u.SetLabels(map[string]string{LabelManagedBy: ManagedByAgent, LabelPolicySync: ps.Name})
	u.SetAnnotations(constraintAnnotations(ps.Spec))
	u.Object["spec"] = spec
	return u, nil
}

// systemNamespaces are the namespaces no constraint ever matches, whatever the assignment
// says: the agent's own (a policy must not stop the agent that would remove it), Kubernetes'
// and Gatekeeper's.
func systemNamespaces(agentNamespace string) []string {
	return []string{agentNamespace, "kube-system", "gatekeeper-system"}
}

// gatekeeperMatch is spec.match as Gatekeeper's constraints take it, with the system
// namespaces always among the excluded ones.
func gatekeeperMatch(in arcv1alpha1.PolicyMatch, system []string) *match.Match {
	excluded := slices.Clone(in.ExcludedNamespaces)
	for _, ns := range system {
		if ns != "" && !slices.Contains(excluded, ns) {
			excluded = append(excluded, ns)
		}
	}
	out := &match.Match{
		Namespaces: wildcards(in.Namespaces), ExcludedNamespaces: wildcards(excluded),
		LabelSelector: in.LabelSelector,
	}
	for _, k := range in.Kinds {
		out.Kinds = append(out.Kinds, match.Kinds{APIGroups: k.APIGroups, Kinds: k.Kinds})
	}
	return out
}

func wildcards(in []string) []wildcard.Wildcard {
	out := make([]wildcard.Wildcard, 0, len(in))
	for _, s := range in {
		out = append(out, wildcard.Wildcard(s))
	}
	return out
}

// constraintAnnotations name the assignment and definition a constraint enforces, and carry
// the assignment's non-compliance message.
func constraintAnnotations(spec arcv1alpha1.PolicySyncSpec) map[string]string {
	out := map[string]string{AnnotationAssignment: spec.AssignmentID}
	for key, value := range map[string]string{AnnotationDefinition: spec.DefinitionID, AnnotationMessage: spec.Message} {
		if value != "" {
			out[key] = value
		}
	}
	return out
}

// enforcementAction is spec.enforcementAction, deny when empty as the CRD defaults it.
func enforcementAction(ps *arcv1alpha1.PolicySync) arcv1alpha1.EnforcementAction {
	if ps.Spec.EnforcementAction == "" {
		return arcv1alpha1.EnforcementDeny
	}
	return ps.Spec.EnforcementAction
}
