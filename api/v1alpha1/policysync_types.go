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

package v1alpha1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// EnforcementAction is what Gatekeeper does with an object that violates a constraint.
// +kubebuilder:validation:Enum=deny;dryrun;warn
type EnforcementAction string

// Gatekeeper's enforcement actions, from the definition's effect and the assignment's
// enforcementMode (DoNotEnforce is dryrun).
const (
	// EnforcementDeny makes the API server refuse a violating object.
	EnforcementDeny EnforcementAction = "deny"
	// EnforcementDryRun only audits: violations show in the status.
	EnforcementDryRun EnforcementAction = "dryrun"
	// EnforcementWarn admits a violating object with a warning to the client.
	EnforcementWarn EnforcementAction = "warn"
)

// PolicyComplianceState says whether the cluster's objects comply with a policy assignment,
// with the values of ARM PolicyInsights' complianceState.
// +kubebuilder:validation:Enum=Compliant;NonCompliant;Unknown;Error
type PolicyComplianceState string

// Policy compliance states.
const (
	// PolicyCompliant: Gatekeeper's last audit found no violating object.
	PolicyCompliant PolicyComplianceState = "Compliant"
	// PolicyNonCompliant: Gatekeeper's last audit found violating objects.
	PolicyNonCompliant PolicyComplianceState = "NonCompliant"
	// PolicyUnknown: Gatekeeper has not audited the constraint yet, or is not installed.
	PolicyUnknown PolicyComplianceState = "Unknown"
	// PolicyError: the template or constraint cannot be enforced; errorMessage says why.
	PolicyError PolicyComplianceState = "Error"
)

// Reasons of a PolicySync's conditions.
const (
	// GatekeeperNotInstalledReason: the ConstraintTemplate CRD is not there; the agent waits
	// for Gatekeeper (the hub installs it as an extension).
	GatekeeperNotInstalledReason = "GatekeeperNotInstalled"
	// InvalidTemplateReason: spec.template is not a ConstraintTemplate the agent can apply.
	InvalidTemplateReason = "InvalidTemplate"
	// TemplateKindChangedReason: spec.template names another constraint kind than the one
	// the PolicySync enforces; the running constraint stays.
	TemplateKindChangedReason = "TemplateKindChanged"
	// TemplateConflictReason: the ConstraintTemplate of that name is in use with other
	// content, by another PolicySync or by someone else.
	TemplateConflictReason = "TemplateConflict"
	// TemplatePendingReason: Gatekeeper has not created the constraint CRD of the template yet.
	TemplatePendingReason = "TemplatePending"
	// TemplateErrorReason: Gatekeeper cannot use the template, e.g. its Rego does not compile.
	TemplateErrorReason = "TemplateError"
	// ConstraintRejectedReason: the constraint was refused (its parameters do not fit the
	// template's schema, say) or Gatekeeper reports errors for it.
	ConstraintRejectedReason = "ConstraintRejected"
	// ConstraintPendingReason: Gatekeeper does not enforce the constraint yet.
	ConstraintPendingReason = "ConstraintPending"
	// GatekeeperReadFailedReason: the Gatekeeper objects or CRDs could not be read.
	GatekeeperReadFailedReason = "GatekeeperReadFailed"
	// DeleteFailedReason: the constraint or template could not be deleted; the agent retries.
	DeleteFailedReason = "DeleteFailed"
	// EnforcedReason: Gatekeeper enforces the constraint.
	EnforcedReason = "Enforced"
)

// PolicyKinds selects API groups and kinds, as one entry of a constraint's match.kinds.
// +kubebuilder:validation:XValidation:rule="!('*' in self.apiGroups) || size(self.apiGroups) == 1",message="match.kinds[].apiGroups may hold '*' only alone: '*' already means every group"
type PolicyKinds struct {
	// apiGroups are the API groups of the kinds; "" is the core group, "*" every group.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=253
	// +listType=atomic
	// +required
	APIGroups []string `json:"apiGroups"`

	// kinds are the kinds in those groups, e.g. Pod; "*" is every kind.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=63
	// +listType=atomic
	// +required
	Kinds []string `json:"kinds"`
}

// PolicyMatch selects the objects a constraint applies to.
type PolicyMatch struct {
	// kinds are the API groups and kinds checked; every kind when empty.
	// +kubebuilder:validation:MaxItems=64
	// +listType=atomic
	// +optional
	Kinds []PolicyKinds `json:"kinds,omitempty"`

	// namespaces limits the constraint to these namespaces; a leading or trailing '*' is a
	// prefix or suffix match (kube-*). Every namespace when empty.
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=64
	// +kubebuilder:validation:items:Pattern=`^(\*|\*-)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\*|-\*)?$`
	// +listType=atomic
	// +optional
	Namespaces []string `json:"namespaces,omitempty"`

	// excludedNamespaces are never checked; '*' globs as in namespaces.
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=64
	// +kubebuilder:validation:items:Pattern=`^(\*|\*-)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\*|-\*)?$`
	// +listType=atomic
	// +optional
	ExcludedNamespaces []string `json:"excludedNamespaces,omitempty"`

	// labelSelector selects the checked objects by their labels.
	// +optional
	LabelSelector *metav1.LabelSelector `json:"labelSelector,omitempty"`
}

// PolicySyncSpec is one policy assignment that applies to the cluster, with its definition's
// ConstraintTemplate and the parameters already resolved, as the hub's protocol.PolicySyncSpec.
type PolicySyncSpec struct {
	// assignmentId is the ARM ID of the policy assignment.
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="assignmentId is required: set it to the policy assignment's ARM ID, e.g. /subscriptions/<id>/providers/Microsoft.Authorization/policyAssignments/<name>, or to an ID of your own for a policy applied in the cluster"
	// +required
	AssignmentID string `json:"assignmentId"`

	// definitionId is the ARM ID of the policy definition the template comes from.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	DefinitionID string `json:"definitionId,omitempty"`

	// displayName is the assignment's display name.
	// +kubebuilder:validation:MaxLength=512
	// +optional
	DisplayName string `json:"displayName,omitempty"`

	// enforcementAction is what Gatekeeper does with a violating object: deny refuses it,
	// dryrun only audits, warn admits it with a warning.
	// +kubebuilder:default=deny
	// +optional
	EnforcementAction EnforcementAction `json:"enforcementAction,omitempty"`

	// template is the Gatekeeper ConstraintTemplate (templates.gatekeeper.sh/v1) as YAML or
	// JSON. Its name is the lower-case kind of its constraint; PolicySyncs with the same
	// template share it.
	// +kubebuilder:validation:MaxLength=262144
	// +kubebuilder:validation:XValidation:rule="self.contains('ConstraintTemplate')",message="template is required: set it to a Gatekeeper ConstraintTemplate (apiVersion: templates.gatekeeper.sh/v1, kind: ConstraintTemplate) as YAML or JSON"
	// +required
	Template string `json:"template"`

	// match selects the objects the constraint applies to.
	// +optional
	Match PolicyMatch `json:"match,omitempty"`

	// parameters are the constraint's parameters: an object that fits the schema of the
	// template's spec.crd.spec.validation.
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	// +optional
	Parameters *apiextensionsv1.JSON `json:"parameters,omitempty"`

	// message is the assignment's non-compliance message; it is set on the constraint as the
	// annotation arc.kubearc.io/non-compliance-message.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Message string `json:"message,omitempty"`

	// evaluationRequest asks for a compliance report: whenever it changes, the agent reads
	// Gatekeeper's latest audit of the constraint again at once and echoes it in status.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	EvaluationRequest string `json:"evaluationRequest,omitempty"`
}

// PolicyViolation is one violating object, as Gatekeeper's audit reports it.
type PolicyViolation struct {
	// group is the object's API group; empty for the core group.
	// +optional
	Group string `json:"group,omitempty"`
	// version is the object's API version.
	// +optional
	Version string `json:"version,omitempty"`
	// kind is the object's kind.
	// +required
	Kind string `json:"kind"`
	// namespace is the object's namespace; empty for a cluster-scoped object.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// name is the object's name.
	// +required
	Name string `json:"name"`
	// message is the policy's message about the object.
	// +optional
	Message string `json:"message,omitempty"`
	// enforcementAction is the action Gatekeeper applied.
	// +optional
	EnforcementAction string `json:"enforcementAction,omitempty"`
}

// PolicySyncStatus is what the agent saw of the template, the constraint and Gatekeeper's
// audit.
type PolicySyncStatus struct {
	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready, and Reconciling or Stalled while true.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// complianceState is Unknown until Gatekeeper's first audit of the constraint, then
	// Compliant or NonCompliant; Error when the template or constraint cannot be enforced.
	// +optional
	ComplianceState PolicyComplianceState `json:"complianceState,omitempty"`

	// enforced is true while Gatekeeper enforces the constraint.
	// +optional
	Enforced bool `json:"enforced,omitempty"`

	// templateName is the ConstraintTemplate the PolicySync applied.
	// +optional
	TemplateName string `json:"templateName,omitempty"`

	// constraintKind is the kind of the constraint the PolicySync applied (group
	// constraints.gatekeeper.sh).
	// +optional
	ConstraintKind string `json:"constraintKind,omitempty"`

	// constraintName is the name of that constraint.
	// +optional
	ConstraintName string `json:"constraintName,omitempty"`

	// auditTimestamp is Gatekeeper's last audit of the constraint.
	// +optional
	AuditTimestamp *metav1.Time `json:"auditTimestamp,omitempty"`

	// totalViolations is how many violating objects that audit found.
	// +optional
	TotalViolations *int64 `json:"totalViolations,omitempty"`

	// violations are the violating objects, at most 1000 (the hub protocol's
	// MaxPolicyViolations), and at most what Gatekeeper keeps per constraint (its
	// --constraint-violations-limit, 20 by default).
	// +kubebuilder:validation:MaxItems=1000
	// +listType=atomic
	// +optional
	Violations []PolicyViolation `json:"violations,omitempty"`

	// violationsTruncated is true when totalViolations is more than the violations listed.
	// +optional
	ViolationsTruncated bool `json:"violationsTruncated,omitempty"`

	// errorMessage says why the policy cannot be enforced (Gatekeeper's message, e.g. a Rego
	// compile error), when complianceState is Error.
	// +optional
	ErrorMessage string `json:"errorMessage,omitempty"`

	// evaluationRequest is spec.evaluationRequest once the audit was read after it.
	// +optional
	EvaluationRequest string `json:"evaluationRequest,omitempty"`
}

// PolicySync enforces one policy assignment with OPA Gatekeeper, like Azure Policy for
// Kubernetes: the agent applies its ConstraintTemplate and a constraint, and reports
// Gatekeeper's audit as compliance. It lives in the agent's namespace.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=psync,categories=kubearc
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="a PolicySync's name is at most 63 characters: it labels the PolicySync's Gatekeeper constraint"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Enforcement",type=string,JSONPath=`.spec.enforcementAction`
// +kubebuilder:printcolumn:name="Compliance",type=string,JSONPath=`.status.complianceState`
// +kubebuilder:printcolumn:name="Violations",type=integer,JSONPath=`.status.totalViolations`
// +kubebuilder:printcolumn:name="Constraint",type=string,JSONPath=`.status.constraintKind`,priority=1
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type PolicySync struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the policy assignment to enforce.
	// +required
	Spec PolicySyncSpec `json:"spec"`

	// status is what the agent saw.
	// +optional
	Status PolicySyncStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PolicySyncList is a list of PolicySyncs.
type PolicySyncList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PolicySync `json:"items"`
}

// GetConditions returns the status conditions.
func (p *PolicySync) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the status conditions.
func (p *PolicySync) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (p *PolicySync) SetObservedGeneration(gen int64) { p.Status.ObservedGeneration = gen }

func init() {
	SchemeBuilder.Register(addKnownTypes(&PolicySync{}, &PolicySyncList{}))
}
