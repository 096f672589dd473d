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

// Package armid parses and formats Azure Resource Manager resource IDs of connected clusters.
// ARM names are case-insensitive: two IDs that differ only in case name the same resource.
package armid

import (
	"fmt"
	"regexp"
	"strings"
)

// Name rules of the ARM resource providers; the ArcConnection CRD's CEL rule mirrors them.
var (
	subscriptionRE  = regexp.MustCompile(`^[0-9A-Za-z-]{1,64}$`)
	resourceGroupRE = regexp.MustCompile(`^[-\w.()]{0,89}[-\w()]$`)
	clusterNameRE   = regexp.MustCompile(`^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$`)
)

// ClusterID identifies a Microsoft.Kubernetes/connectedClusters resource.
type ClusterID struct {
	Subscription  string
	ResourceGroup string
	Name          string
}

// String returns the canonical ARM ID.
func (id ClusterID) String() string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Kubernetes/connectedClusters/%s",
		id.Subscription, id.ResourceGroup, id.Name)
}

// Key is the case-folded ID, for maps and database keys.
func (id ClusterID) Key() string { return strings.ToLower(id.String()) }

// Validate says which part of the ID breaks the ARM naming rules.
func (id ClusterID) Validate() error {
	if err := ValidateSubscription(id.Subscription); err != nil {
		return err
	}
	if err := ValidateResourceGroup(id.ResourceGroup); err != nil {
		return err
	}
	if !clusterNameRE.MatchString(id.Name) {
		return fmt.Errorf("cluster name %q must be 1-63 letters, digits, '-' or '_', starting and ending with a letter or digit", id.Name)
	}
	return nil
}

// ValidateSubscription checks a subscription name.
func ValidateSubscription(name string) error {
	if !subscriptionRE.MatchString(name) {
		return fmt.Errorf("subscription %q must be 1-64 letters, digits or '-'", name)
	}
	return nil
}

// ValidateResourceGroup checks a resource group name.
func ValidateResourceGroup(name string) error {
	if !resourceGroupRE.MatchString(name) {
		return fmt.Errorf("resource group %q must be 1-90 letters, digits, '_', '-', '.', '(' or ')' and not end in '.'", name)
	}
	return nil
}

// ParseClusterID parses /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Kubernetes/connectedClusters/{n}.
func ParseClusterID(s string) (ClusterID, error) {
	parts := strings.Split(strings.TrimPrefix(s, "/"), "/")
	if !strings.HasPrefix(s, "/") || len(parts) != 8 ||
		!strings.EqualFold(parts[0], "subscriptions") || !strings.EqualFold(parts[2], "resourceGroups") ||
		!strings.EqualFold(parts[4], "providers") || !strings.EqualFold(parts[5], "Microsoft.Kubernetes") ||
		!strings.EqualFold(parts[6], "connectedClusters") {
		return ClusterID{}, fmt.Errorf("resource ID %q must look like /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Kubernetes/connectedClusters/{name}", s)
	}
	id := ClusterID{Subscription: parts[1], ResourceGroup: parts[3], Name: parts[7]}
	if err := id.Validate(); err != nil {
		return ClusterID{}, err
	}
	return id, nil
}
