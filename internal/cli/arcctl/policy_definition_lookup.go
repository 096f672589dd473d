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
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

// findDefinition returns the custom definition of a name of the subscription, else the
// built-in definition of that name, as az looks a definition up.
func findDefinition(ctx context.Context, client *armclient.Client, sub, name string) (*armpolicy.Definition, error) {
	def, err := client.GetPolicyDefinition(ctx, sub, name)
	if !armclient.HasStatus(err, http.StatusNotFound) {
		return def, err
	}
	return client.GetPolicyDefinition(ctx, "", name)
}

// resolveDefinitionID is the ID of the definition --policy names: an ID as it is, else the
// definition findDefinition finds.
func resolveDefinitionID(ctx context.Context, client *armclient.Client, sub, policy string) (string, error) {
	if strings.HasPrefix(policy, "/") {
		return policy, nil
	}
	def, err := findDefinition(ctx, client, sub, policy)
	switch {
	case armclient.HasStatus(err, http.StatusNotFound):
		return "", fmt.Errorf("--policy: subscription '%s' has no custom policy definition '%s' and the hub has no such built-in; "+
			"'arcctl policy definition list' shows them", sub, policy)
	case err != nil:
		return "", fmt.Errorf("looking up policy definition '%s': %w", policy, err)
	}
	return val(def.ID), nil
}

// listDefinitions lists the custom definitions of the subscription, then the built-in ones,
// each once: ARM lists the built-ins with the subscription's too.
func listDefinitions(ctx context.Context, client *armclient.Client, sub string) ([]*armpolicy.Definition, error) {
	custom, err := allPages(ctx, client.ListPolicyDefinitions(sub), definitionsOf)
	if err != nil {
		return nil, err
	}
	builtIn, err := allPages(ctx, client.ListPolicyDefinitions(""), definitionsOf)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	all := make([]*armpolicy.Definition, 0, len(custom)+len(builtIn))
	for _, d := range append(custom, builtIn...) {
		if id := strings.ToLower(firstNonEmpty(val(d.ID), val(d.Name))); !seen[id] {
			seen[id] = true
			all = append(all, d)
		}
	}
	return all, nil
}
