// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"encoding/json"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
)

// Enforcement modes of an assignment.
const (
	EnforcementDefault      = "Default"
	EnforcementDoNotEnforce = "DoNotEnforce"
)

// AssignmentProperties are a policy assignment's properties, as ARM shows them.
type AssignmentProperties struct {
	DisplayName        string `json:"displayName,omitempty"`
	Description        string `json:"description,omitempty"`
	PolicyDefinitionID string `json:"policyDefinitionId"`
	// Scope is the assignment's scope; the hub sets it.
	Scope     string   `json:"scope"`
	NotScopes []string `json:"notScopes"`
	// Parameters are the assignment's values of the definition's parameters.
	Parameters            map[string]*ParameterValue `json:"parameters,omitempty"`
	Metadata              json.RawMessage            `json:"metadata,omitempty"`
	EnforcementMode       string                     `json:"enforcementMode"`
	NonComplianceMessages []NonComplianceMessage     `json:"nonComplianceMessages,omitempty"`
}

// NonComplianceMessage is the message shown when a resource is not compliant.
type NonComplianceMessage struct {
	Message                     string `json:"message"`
	PolicyDefinitionReferenceID string `json:"policyDefinitionReferenceId,omitempty"`
}

// AssignmentDoc is a policy assignment's ARM document.
type AssignmentDoc struct {
	ID         string                `json:"id"`
	Name       string                `json:"name"`
	Type       string                `json:"type"`
	Location   string                `json:"location,omitempty"`
	ETag       string                `json:"etag,omitempty"`
	SystemData *nested.SystemData    `json:"systemData,omitempty"`
	Properties *AssignmentProperties `json:"properties"`
}

// EntityTag returns the document's etag, for the ETag header.
func (d *AssignmentDoc) EntityTag() string { return d.ETag }

// AssignmentList is a page of policy assignments.
type AssignmentList struct {
	Value    []*AssignmentDoc `json:"value"`
	NextLink string           `json:"nextLink,omitempty"`
}

// maxMessage bounds a non-compliance message, as in Azure.
const maxMessage = 1024

// Assignment is a stored policy assignment.
type Assignment struct {
	// ID is its ARM ID; Version the store version it was read at.
	ID      string `json:"-"`
	Version string `json:"-"`
	// Location is echoed as the client wrote it.
	Location   string               `json:"location,omitempty"`
	Properties AssignmentProperties `json:"properties"`
	Audit      nested.SystemData    `json:"audit"`
}

// Name is the assignment's name.
func (a *Assignment) Name() string { return a.ID[strings.LastIndex(a.ID, "/")+1:] }

// Doc is the assignment's ARM document.
func (a *Assignment) Doc() *AssignmentDoc {
	props := a.Properties
	if props.NotScopes == nil {
		props.NotScopes = []string{}
	}
	return &AssignmentDoc{ID: a.ID, Name: a.Name(), Type: AssignmentType, Location: a.Location,
		ETag: nested.FormatETag(a.Version), SystemData: a.Audit.Shown(), Properties: &props}
}

// checkProperties checks what an assignment says on its own, at scope: enforcement mode, not
// scopes, texts, messages. It sets the scope and the default enforcement mode.
func checkProperties(p *AssignmentProperties, scope string) error {
	p.Scope = scope
	switch {
	case p.PolicyDefinitionID == "":
		return nested.Missing("The property 'properties.policyDefinitionId' is required: the ID of a policy definition, e.g. /providers/Microsoft.Authorization/policyDefinitions/{name}.")
	case p.EnforcementMode == "" || strings.EqualFold(p.EnforcementMode, EnforcementDefault):
		p.EnforcementMode = EnforcementDefault
	case strings.EqualFold(p.EnforcementMode, EnforcementDoNotEnforce):
		p.EnforcementMode = EnforcementDoNotEnforce
	default:
		return nested.Invalid("The property 'properties.enforcementMode' is '%s'; it must be %s or %s.", p.EnforcementMode, EnforcementDefault, EnforcementDoNotEnforce)
	}
	switch {
	case len(p.DisplayName) > maxDisplayName:
		return nested.Invalid("The property 'properties.displayName' is longer than %d characters.", maxDisplayName)
	case len(p.Description) > maxDescription:
		return nested.Invalid("The property 'properties.description' is longer than %d characters.", maxDescription)
	case present(p.Metadata) && !isObject(p.Metadata):
		return nested.Invalid("The property 'properties.metadata' must be an object.")
	}
	if err := checkNotScopes(p.NotScopes, scope); err != nil {
		return err
	}
	return checkMessages(p.NonComplianceMessages)
}

// checkNotScopes checks that every not scope is an ARM ID within the assignment's scope.
func checkNotScopes(notScopes []string, scope string) error {
	for i, ns := range notScopes {
		if !strings.HasPrefix(ns, "/subscriptions/") || strings.Contains(ns, "//") || strings.HasSuffix(ns, "/") || !within(scope, ns) {
			return nested.Invalid("The property 'properties.notScopes[%d]' is '%s'; it must be the ID of a resource group or resource within the assignment's scope '%s'.", i, ns, scope)
		}
	}
	return nil
}

// checkMessages checks the non-compliance messages: one for the definition, not empty.
func checkMessages(messages []NonComplianceMessage) error {
	for i, m := range messages {
		switch {
		case strings.TrimSpace(m.Message) == "":
			return nested.Missing("The property 'properties.nonComplianceMessages[%d].message' is required.", i)
		case len(m.Message) > maxMessage:
			return nested.Invalid("The property 'properties.nonComplianceMessages[%d].message' is longer than %d characters.", i, maxMessage)
		case m.PolicyDefinitionReferenceID != "":
			return nested.Invalid("The property 'properties.nonComplianceMessages[%d].policyDefinitionReferenceId' is for assignments of policy set definitions; an assignment of one definition takes a message without it.", i)
		}
	}
	return nil
}

// message is the assignment's non-compliance message, "" when none.
func (a *Assignment) message() string {
	if len(a.Properties.NonComplianceMessages) == 0 {
		return ""
	}
	return a.Properties.NonComplianceMessages[0].Message
}
