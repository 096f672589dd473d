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

package policyinsights

import "time"

// The documents of Microsoft.PolicyInsights, api-version 2024-10-01, as the Azure SDK for Go
// (armpolicyinsights) decodes them.

// CommonState are the properties a policy state and a component policy state share.
type CommonState struct {
	// Timestamp is when the state was evaluated: Gatekeeper's audit, else the agent's report.
	Timestamp        time.Time `json:"timestamp"`
	ResourceID       string    `json:"resourceId"`
	ResourceType     string    `json:"resourceType"`
	ResourceLocation string    `json:"resourceLocation,omitempty"`
	ResourceGroup    string    `json:"resourceGroup"`
	SubscriptionID   string    `json:"subscriptionId"`

	PolicyAssignmentID    string `json:"policyAssignmentId"`
	PolicyAssignmentName  string `json:"policyAssignmentName"`
	PolicyAssignmentScope string `json:"policyAssignmentScope"`
	// PolicyAssignmentOwner is "cluster" for a PolicySync applied in the cluster.
	PolicyAssignmentOwner  string `json:"policyAssignmentOwner,omitempty"`
	PolicyDefinitionID     string `json:"policyDefinitionId"`
	PolicyDefinitionName   string `json:"policyDefinitionName"`
	PolicyDefinitionAction string `json:"policyDefinitionAction"`
	// ComplianceState is Compliant, NonCompliant, Error or Unknown.
	ComplianceState string `json:"complianceState"`
}

// PolicyState is the state of one policy assignment on one cluster.
type PolicyState struct {
	CommonState
	IsCompliant bool `json:"isCompliant"`
	// ComplianceReason says why the state is Error, in Gatekeeper's words (e.g. a Rego
	// compile error); ARM clients read it as an additional property.
	ComplianceReason string `json:"complianceReason,omitempty"`
}

// PolicyStatesQueryResults is a page of policy states.
type PolicyStatesQueryResults struct {
	ODataCount    int           `json:"@odata.count"`
	ODataNextLink string        `json:"@odata.nextLink,omitempty"`
	Value         []PolicyState `json:"value"`
}

// ComponentPolicyState is the state of one Kubernetes object (a component of its cluster)
// for one policy assignment.
type ComponentPolicyState struct {
	CommonState
	// ComponentID is "namespace/name", or "name" for a cluster-scoped object.
	ComponentID string `json:"componentId"`
	// ComponentType is the object's kind in lower case, e.g. "pod".
	ComponentType string `json:"componentType"`
	ComponentName string `json:"componentName"`
	// PolicyEvaluationDetails carries Gatekeeper's message.
	PolicyEvaluationDetails *ComponentEvaluationDetails `json:"policyEvaluationDetails,omitempty"`
}

// ComponentEvaluationDetails says why a component is not compliant.
type ComponentEvaluationDetails struct {
	Reason string `json:"reason,omitempty"`
}

// ComponentPolicyStatesQueryResults are component policy states (not paged).
type ComponentPolicyStatesQueryResults struct {
	ODataCount int                    `json:"@odata.count"`
	Value      []ComponentPolicyState `json:"value"`
}

// SummarizeResults holds the one summary of a scope.
type SummarizeResults struct {
	ODataCount int       `json:"@odata.count"`
	Value      []Summary `json:"value"`
}

// Summary summarizes the policy states of a scope, overall and per policy assignment.
type Summary struct {
	Results           SummaryResults            `json:"results"`
	PolicyAssignments []PolicyAssignmentSummary `json:"policyAssignments"`
}

// PolicyAssignmentSummary summarizes the states of one policy assignment.
type PolicyAssignmentSummary struct {
	PolicyAssignmentID    string                    `json:"policyAssignmentId"`
	PolicySetDefinitionID string                    `json:"policySetDefinitionId"`
	Results               SummaryResults            `json:"results"`
	PolicyDefinitions     []PolicyDefinitionSummary `json:"policyDefinitions"`
}

// PolicyDefinitionSummary summarizes the states of an assignment's policy definition.
type PolicyDefinitionSummary struct {
	PolicyDefinitionID          string         `json:"policyDefinitionId"`
	PolicyDefinitionReferenceID string         `json:"policyDefinitionReferenceId"`
	Effect                      string         `json:"effect"`
	Results                     SummaryResults `json:"results"`
}

// SummaryResults counts resources and policies by compliance state.
type SummaryResults struct {
	NonCompliantResources int `json:"nonCompliantResources"`
	// NonCompliantPolicies is absent from a definition's results.
	NonCompliantPolicies *int `json:"nonCompliantPolicies,omitempty"`
	// ResourceDetails counts the resources by their overall state.
	ResourceDetails []ComplianceDetail `json:"resourceDetails"`
	// PolicyDetails counts the policies by their overall state.
	PolicyDetails []ComplianceDetail `json:"policyDetails"`
}

// ComplianceDetail is a count of one compliance state, in lower case as ARM writes it.
type ComplianceDetail struct {
	ComplianceState string `json:"complianceState"`
	Count           int    `json:"count"`
}
