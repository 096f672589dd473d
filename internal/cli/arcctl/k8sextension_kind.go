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
	"strings"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// extensionKind is how arcctl shows, deletes and follows extensions.
func extensionKind() nestedKind[armkc.Extension] {
	return nestedKind[armkc.Extension]{
		noun:  "extension",
		title: "Extension",
		nouns: "extensions",
		get:   (*armclient.Client).GetExtension,
		list: func(ctx context.Context, hub *armclient.Client, cluster armid.ClusterID) ([]*armkc.Extension, error) {
			return allPages(ctx, hub.ListExtensions(cluster), func(page armkc.ExtensionsList) []*armkc.Extension { return page.Value })
		},
		details:  writeExtensionDetails,
		table:    writeExtensionTable,
		delete:   (*armclient.Client).DeleteExtension,
		removing: "uninstall",
		removes:  "uninstalls it",
		state:    func(e *armkc.Extension) armkc.ProvisioningState { return val(extensionProps(e).ProvisioningState) },
		line: func(e *armkc.Extension) string {
			p := extensionProps(e)
			return joinNonEmpty(": ", string(val(p.ProvisioningState)), statusMessages(p.Statuses))
		},
		failure: failure,
		done: func(name string, e *armkc.Extension) string {
			return fmt.Sprintf("Extension '%s' is installed: version %s.", name, orDash(val(extensionProps(e).CurrentVersion)))
		},
		failDeleting: true,
		timeoutFlag:  "timeout",
		showHint: func(cluster armid.ClusterID, name string) string {
			return fmt.Sprintf("'arcctl k8s-extension show -c %s -g %s -n %s'", cluster.Name, cluster.ResourceGroup, name)
		},
	}
}

func statusMessages(statuses []*armkc.ExtensionStatus) string {
	var msgs []string
	for _, s := range statuses {
		if s != nil && val(s.Message) != "" {
			msgs = append(msgs, val(s.Message))
		}
	}
	return strings.Join(msgs, "; ")
}

// failure is what the agent said about a failed extension.
func failure(e *armkc.Extension) string {
	p := extensionProps(e)
	return firstNonEmpty(errorInfoText(p.ErrorInfo), statusMessages(p.Statuses), "the agent gave no reason")
}
