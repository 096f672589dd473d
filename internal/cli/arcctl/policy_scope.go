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
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// flagScope is az's --scope of policy assignments.
const flagScope = "scope"

// errScopeShape says which scopes kubearc assigns policies at.
var errScopeShape = errors.New("must be the ID of a subscription (/subscriptions/ID), a resource group " +
	"(/subscriptions/ID/resourceGroups/NAME) or a connected cluster (…/providers/Microsoft.Kubernetes/connectedClusters/NAME)")

// scopeFlags are --scope and -g/--resource-group, which name the scope of assignments as in az.
type scopeFlags struct {
	scope string
	group string
}

func (s *scopeFlags) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.scope, flagScope, "", "scope: the ID of a subscription, resource group or connected cluster (default: the subscription)")
	f.StringVarP(&s.group, "resource-group", "g", "", "resource group of the subscription to use as the scope, instead of --scope")
	cmd.MarkFlagsMutuallyExclusive(flagScope, "resource-group")
}

// policyTarget is a hub client, the subscription to find custom definitions in and the scope
// a command works at.
type policyTarget struct {
	client       *armclient.Client
	subscription string
	scope        string
}

// target resolves the scope of s: --scope, whose subscription it works in (ARM assigns only
// the definitions of the assignment's subscription), else -g in the subscription, else the
// subscription.
func (p *policyCommands) target(s scopeFlags) (policyTarget, error) {
	client, cfg, err := p.session()
	if err != nil {
		return policyTarget{}, err
	}
	if s.scope != "" {
		sub, err := parseScope(flagScope, s.scope)
		return policyTarget{client: client, subscription: sub, scope: s.scope}, err
	}
	sub, err := p.subscriptionOf(cfg)
	if err != nil {
		return policyTarget{}, err
	}
	scope, err := groupScope(sub, s.group)
	return policyTarget{client: client, subscription: sub, scope: scope}, err
}

// subscriptionTarget is the subscription of --subscription or the configuration, as a target.
func (p *policyCommands) subscriptionTarget() (policyTarget, error) {
	client, sub, err := p.clusterSession()
	if err != nil {
		return policyTarget{}, err
	}
	return policyTarget{client: client, subscription: sub, scope: "/subscriptions/" + sub}, nil
}

// groupScope is the scope of a resource group of a subscription, or of the subscription when
// group is empty.
func groupScope(sub, group string) (string, error) {
	scope := "/subscriptions/" + sub
	if group == "" {
		return scope, nil
	}
	if err := armid.ValidateResourceGroup(group); err != nil {
		return "", fmt.Errorf("--resource-group: %w", err)
	}
	return scope + "/resourceGroups/" + group, nil
}

// parseScope checks the scope a flag gives, one of those kubearc assigns policies at, and
// returns its subscription.
func parseScope(flag, scope string) (string, error) {
	parts := strings.Split(strings.Trim(scope, "/"), "/")
	var err error
	switch {
	case !strings.HasPrefix(scope, "/") || !strings.EqualFold(parts[0], "subscriptions") || len(parts) < 2:
		err = errScopeShape
	case len(parts) == 2:
		err = armid.ValidateSubscription(parts[1])
	case len(parts) == 4 && strings.EqualFold(parts[2], "resourceGroups"):
		err = errors.Join(armid.ValidateSubscription(parts[1]), armid.ValidateResourceGroup(parts[3]))
	case len(parts) == 8:
		_, err = armid.ParseClusterID("/" + strings.Join(parts, "/"))
	default:
		err = errScopeShape
	}
	if err != nil {
		return "", fmt.Errorf("--%s %q: %w", flag, scope, err)
	}
	return parts[1], nil
}

// sameScope reports whether two scopes are the same, as ARM compares IDs.
func sameScope(a, b string) bool {
	return strings.EqualFold(strings.Trim(a, "/"), strings.Trim(b, "/"))
}
