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

package protocol

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
)

// KindPolicySync is one policy assignment that applies to the cluster (ARM
// Microsoft.Authorization/policyAssignments at the subscription, resource group or cluster
// scope, with a Microsoft.Kubernetes.Data definition), resolved by the hub: the agent turns it
// into a Gatekeeper ConstraintTemplate and constraint. Its name is PolicySyncName of the
// assignment's ID.
const KindPolicySync = "PolicySync"

// Gatekeeper enforcement actions of a constraint, from the definition's effect and the
// assignment's enforcementMode (DoNotEnforce → dryrun).
const (
	EnforcementDeny   = "deny"
	EnforcementDryRun = "dryrun"
	EnforcementWarn   = "warn"
)

// PolicySyncSpec is the spec of a KindPolicySync object: everything the agent needs, with
// the definition's parameters already resolved by the hub.
type PolicySyncSpec struct {
	// AssignmentID is the policyAssignment's ARM ID, as the user wrote it.
	AssignmentID string `json:"assignmentId"`
	// DefinitionID is the policyDefinition's ARM ID.
	DefinitionID string `json:"definitionId"`
	// DisplayName is the assignment's displayName.
	DisplayName string `json:"displayName,omitempty"`
	// EnforcementAction is one of the Enforcement* constants.
	EnforcementAction string `json:"enforcementAction"`
	// Template is the Gatekeeper ConstraintTemplate (templates.gatekeeper.sh/v1) as YAML or
	// JSON. The hub resolved templateInfo: a PublicURL was fetched when the definition was
	// written, so the agent never reaches anything but the hub.
	Template string `json:"template"`
	// Match selects the objects the constraint applies to.
	Match PolicyMatch `json:"match,omitempty"`
	// Parameters are the constraint's parameters: the definition's details.values with the
	// assignment's parameters substituted.
	Parameters json.RawMessage `json:"parameters,omitempty"`
	// Message is the assignment's non-compliance message; empty when none.
	Message string `json:"message,omitempty"`
	// EvaluationRequest changes when a user asks for a compliance scan (triggerEvaluation):
	// the agent reports the constraint's latest audit again at once and echoes it.
	EvaluationRequest string `json:"evaluationRequest,omitempty"`
}

// PolicyMatch is the definition's details: which objects the constraint applies to.
type PolicyMatch struct {
	// Kinds are API groups and kinds, as in a constraint's match.kinds.
	Kinds []PolicyKinds `json:"kinds,omitempty"`
	// Namespaces limits the constraint to these namespaces; all when empty.
	Namespaces []string `json:"namespaces,omitempty"`
	// ExcludedNamespaces are never checked.
	ExcludedNamespaces []string `json:"excludedNamespaces,omitempty"`
	// LabelSelector selects objects by label (a Kubernetes LabelSelector as JSON).
	LabelSelector json.RawMessage `json:"labelSelector,omitempty"`
}

// PolicyKinds is one entry of a constraint's match.kinds.
type PolicyKinds struct {
	APIGroups []string `json:"apiGroups"`
	Kinds     []string `json:"kinds"`
}

// Compliance states of a policy assignment on a cluster and of a Kubernetes object (ARM
// PolicyInsights complianceState values).
const (
	PolicyCompliant    = "Compliant"
	PolicyNonCompliant = "NonCompliant"
	PolicyUnknown      = "Unknown"
	PolicyError        = "Error"
)

// MaxPolicyViolations is how many violating objects one PolicySync status carries; the
// agent reports TotalViolations as Gatekeeper counted them and says when it kept fewer.
const MaxPolicyViolations = 1000

// PolicySyncStatus is the status payload of a KindPolicySync ObjectStatus.
type PolicySyncStatus struct {
	// ProvisioningState is ProvisioningDeleted once the constraint is gone (the hub then
	// forgets the object), else empty.
	ProvisioningState string `json:"provisioningState,omitempty"`
	// ComplianceState is one of the Policy* compliance constants: Unknown until Gatekeeper's
	// first audit of the constraint, Error when the template or constraint cannot be
	// enforced (ErrorMessage says why).
	ComplianceState string `json:"complianceState"`
	// Enforced is true once the constraint exists and Gatekeeper enforces it.
	Enforced bool `json:"enforced"`
	// EnforcementAction is the constraint's enforcementAction.
	EnforcementAction string `json:"enforcementAction,omitempty"`
	// AuditTimestamp is Gatekeeper's last audit of the constraint, RFC 3339.
	AuditTimestamp string `json:"auditTimestamp,omitempty"`
	// TotalViolations is Gatekeeper's count of violating objects at that audit.
	TotalViolations int64 `json:"totalViolations"`
	// Violations are the violating objects, at most MaxPolicyViolations.
	Violations []PolicyViolation `json:"violations,omitempty"`
	// ViolationsTruncated is true when TotalViolations is more than len(Violations).
	ViolationsTruncated bool `json:"violationsTruncated,omitempty"`
	// ErrorMessage is Gatekeeper's message, e.g. a Rego compile error.
	ErrorMessage string `json:"errorMessage,omitempty"`
	// EvaluationRequest echoes the spec's EvaluationRequest once reported after it.
	EvaluationRequest string `json:"evaluationRequest,omitempty"`
	// Conditions are the CR's conditions.
	Conditions []Condition `json:"conditions,omitempty"`
	// ClusterOwned is the spec of a PolicySync applied in the cluster (not by the hub).
	ClusterOwned *PolicySyncSpec `json:"clusterOwned,omitempty"`
}

// PolicyViolation is one violating object as Gatekeeper's audit reports it.
type PolicyViolation struct {
	Group     string `json:"group,omitempty"`
	Version   string `json:"version,omitempty"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Message   string `json:"message,omitempty"`
	// EnforcementAction is the action Gatekeeper applied.
	EnforcementAction string `json:"enforcementAction,omitempty"`
}

// PolicySyncName is the name of an assignment's PolicySync object and constraint.
func PolicySyncName(assignmentID string) string { return armObjectName("azurepolicy-", assignmentID) }

// armObjectName is a DNS label for the object of an ARM resource: prefix, the resource's name
// and a hash of its whole ID (case-insensitive, as ARM IDs are), since resources of one name
// may exist at several scopes.
func armObjectName(prefix, id string) string {
	id = strings.ToLower(id)
	sum := sha256.Sum256([]byte(id))
	name := id[strings.LastIndex(id, "/")+1:]
	name = strings.Trim(nonLabel.ReplaceAllString(name, "-"), "-")
	if len(name) > 40 {
		name = strings.TrimRight(name[:40], "-")
	}
	return prefix + name + "-" + hex.EncodeToString(sum[:5])
}

// nonLabel matches what a DNS label cannot hold.
var nonLabel = regexp.MustCompile(`[^a-z0-9-]+`)
