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

package arcctl

import (
	"context"
	"fmt"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// fluxKind is how arcctl shows, deletes and follows Flux configurations.
func fluxKind() nestedKind[armkc.FluxConfiguration] {
	return nestedKind[armkc.FluxConfiguration]{
		noun:  "Flux configuration",
		title: "Flux configuration",
		nouns: "Flux configurations",
		get:   (*armclient.Client).GetFluxConfiguration,
		list: func(ctx context.Context, hub *armclient.Client, cluster armid.ClusterID) ([]*armkc.FluxConfiguration, error) {
			return allPages(ctx, hub.ListFluxConfigurations(cluster), func(page armkc.FluxConfigurationsList) []*armkc.FluxConfiguration { return page.Value })
		},
		details:     writeFluxDetails,
		table:       writeFluxTable,
		delete:      (*armclient.Client).DeleteFluxConfiguration,
		removing:    "remove",
		removes:     "removes its Flux objects",
		forceIsDone: true,
		state:       func(c *armkc.FluxConfiguration) armkc.ProvisioningState { return val(fluxProps(c).ProvisioningState) },
		line: func(c *armkc.FluxConfiguration) string {
			p := fluxProps(c)
			return joinNonEmpty(", ", string(val(p.ProvisioningState)), prefixed("compliance ", string(val(p.ComplianceState))), val(p.ErrorMessage))
		},
		failure: func(c *armkc.FluxConfiguration) string {
			return firstNonEmpty(val(fluxProps(c).ErrorMessage), "the agent gave no reason")
		},
		done: func(name string, c *armkc.FluxConfiguration) string {
			p := fluxProps(c)
			return fmt.Sprintf("Flux configuration '%s' is applied: compliance %s%s.", name, orDash(string(val(p.ComplianceState))),
				prefixed(" at ", val(p.SourceSyncedCommitID)))
		},
		timeoutDoing: "finish with",
		timeoutFlag:  fluxWaitTimeoutFlag,
		showHint:     showHint,
	}
}

// fluxProps are c's properties, empty when c or they are nil.
func fluxProps(c *armkc.FluxConfiguration) *armkc.FluxConfigurationProperties {
	if c == nil || c.Properties == nil {
		return &armkc.FluxConfigurationProperties{}
	}
	return c.Properties
}

// prefixed is prefix+s, or "" when s is empty.
func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
