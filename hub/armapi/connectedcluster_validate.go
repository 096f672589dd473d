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

package armapi

import (
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// validateCluster checks a PUT body and fills in canonical spellings. Every message names the
// property to fix.
func validateCluster(c *connectedCluster) error {
	if err := validateLocation(c.Location); err != nil {
		return err
	}
	if err := validateIdentity(c.Identity); err != nil {
		return err
	}
	if err := validateTags(c.Tags); err != nil {
		return err
	}
	switch strings.ToLower(c.Kind) {
	case "":
	case "provisionedcluster":
		c.Kind = "ProvisionedCluster"
	case "aws":
		c.Kind = "AWS"
	default:
		return badRequest(codeInvalidParameter, "The property 'kind' must be 'ProvisionedCluster' or 'AWS', not '%s'.", c.Kind)
	}
	return validateProperties(c.Properties)
}

func validateIdentity(id *clusterIdentity) error {
	if id == nil {
		return badRequest(codeMissingProperty, "The property 'identity' is required, for example {\"type\": \"SystemAssigned\"}.")
	}
	switch strings.ToLower(id.Type) {
	case "systemassigned":
		id.Type = "SystemAssigned"
	case "none":
		id.Type = "None"
	default:
		return badRequest(codeInvalidParameter, "The property 'identity.type' must be 'SystemAssigned' or 'None', not '%s'.", id.Type)
	}
	return nil
}

// validateTags checks the tags of a resource (nested.ValidateTags, which the hub's other
// resources share).
func validateTags(tags map[string]string) error { return asBadRequest(nested.ValidateTags(tags)) }

func validateProperties(p *clusterProps) error {
	if p == nil {
		return badRequest(codeMissingProperty, "The property 'properties' is required and must contain 'agentPublicKeyCertificate'.")
	}
	if p.AgentPublicKeyCertificate == "" {
		return badRequest(codeMissingProperty, "The property 'properties.agentPublicKeyCertificate' is required: the base64 DER public key of the cluster's agent (PKIX, or PKCS#1 for RSA).")
	}
	if _, err := agentpubkey.Parse(p.AgentPublicKeyCertificate); err != nil {
		return badRequest(codeInvalidParameter, "The property 'properties.agentPublicKeyCertificate' is invalid: %s.", err)
	}
	for name, v := range map[string]string{"distribution": p.Distribution, "distributionVersion": p.DistributionVersion, "infrastructure": p.Infrastructure} {
		if !protocol.IsPlainValue(v) { // the rule the agent's heartbeat follows too
			return badRequest(codeInvalidParameter, "The property 'properties.%s' must be at most 64 letters, digits, '_', '.', '+' or '-'.", name)
		}
	}
	return validateAgentProfile(p.ArcAgentProfile)
}

func validateAgentProfile(p *arcAgentProfile) error {
	if p == nil {
		return nil
	}
	switch strings.ToLower(p.AgentAutoUpgrade) {
	case "", "enabled":
		p.AgentAutoUpgrade = "Enabled"
	case "disabled":
		p.AgentAutoUpgrade = "Disabled"
	default:
		return badRequest(codeInvalidParameter, "The property 'properties.arcAgentProfile.agentAutoUpgrade' must be 'Enabled' or 'Disabled', not '%s'.", p.AgentAutoUpgrade)
	}
	if p.DesiredAgentVersion != "" && !protocol.IsReleaseVersion(p.DesiredAgentVersion) {
		return badRequest(codeInvalidParameter, "The property 'properties.arcAgentProfile.desiredAgentVersion' must be a version like 1.2.3, not '%s'.", p.DesiredAgentVersion)
	}
	if p.LogLevel != "" && protocol.LogLevelRank(p.LogLevel) < 0 {
		return badRequest(codeInvalidParameter, "The property 'properties.arcAgentProfile.logLevel' must be one of debug, info, warn or error (empty for the agent's default), not '%s'.", p.LogLevel)
	}
	return nil
}
