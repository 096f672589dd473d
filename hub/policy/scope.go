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
	"fmt"
	"strings"

	"github.com/kubearc/kubearc/pkg/armid"
)

// Scope is where an assignment is made: a subscription, a resource group, or a
// connectedCluster (Cluster is its name, in ResourceGroup).
type Scope struct {
	Subscription, ResourceGroup, Cluster string
}

// ID is the scope's ARM ID.
func (s Scope) ID() string {
	id := "/subscriptions/" + s.Subscription
	if s.ResourceGroup != "" {
		id += "/resourceGroups/" + s.ResourceGroup
	}
	if s.Cluster != "" {
		id += providers + clusterType + "/" + s.Cluster
	}
	return id
}

// Validate checks the scope's names.
func (s Scope) Validate() error {
	if s.Cluster != "" {
		return armid.ClusterID{Subscription: s.Subscription, ResourceGroup: s.ResourceGroup, Name: s.Cluster}.Validate()
	}
	if err := armid.ValidateSubscription(s.Subscription); err != nil {
		return err
	}
	if s.ResourceGroup != "" {
		return armid.ValidateResourceGroup(s.ResourceGroup)
	}
	return nil
}

// ParseScope reads a subscription, resource group or connectedCluster ID.
func ParseScope(id string) (Scope, error) {
	if c, err := armid.ParseClusterID(id); err == nil {
		return Scope{Subscription: c.Subscription, ResourceGroup: c.ResourceGroup, Cluster: c.Name}, nil
	}
	parts := strings.Split(strings.TrimSuffix(id, "/"), "/")
	var s Scope
	switch {
	case len(parts) == 3 && parts[0] == "" && strings.EqualFold(parts[1], "subscriptions"):
		s.Subscription = parts[2]
	case len(parts) == 5 && parts[0] == "" && strings.EqualFold(parts[1], "subscriptions") && strings.EqualFold(parts[3], "resourceGroups"):
		s.Subscription, s.ResourceGroup = parts[2], parts[4]
	default:
		return Scope{}, fmt.Errorf("the scope %q is not a subscription, resource group or connectedCluster ID", id)
	}
	return s, s.Validate()
}

// assignmentID is the ID of the assignment name at the scope.
func (s Scope) assignmentID(name string) string {
	return s.ID() + providers + AssignmentType + "/" + name
}

// definitionID is the ID of the custom definition name of the scope's subscription.
func (s Scope) definitionID(name string) string {
	return "/subscriptions/" + s.Subscription + providers + DefinitionType + "/" + name
}
