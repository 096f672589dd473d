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

import "strings"

// Scope is what a query or an evaluation covers: a subscription, a resource group, one
// cluster, or the clusters of a scope that one policy assignment applies to.
type Scope struct {
	Subscription string
	// ResourceGroup narrows the scope to a resource group; empty for the subscription.
	ResourceGroup string
	// ClusterID narrows the scope to one connectedCluster.
	ClusterID string
	// AssignmentID keeps the states of this policy assignment only.
	AssignmentID string
}

// String is the ARM scope to authorize: the cluster, else the resource group or subscription
// (an assignment's scope).
func (s Scope) String() string {
	if s.ClusterID != "" {
		return s.ClusterID
	}
	scope := "/subscriptions/" + s.Subscription
	if s.ResourceGroup != "" {
		scope += "/resourceGroups/" + s.ResourceGroup
	}
	return scope
}

// AssignmentID is the ID of the policy assignment called name at the subscription or resource
// group of scope.
func AssignmentID(scope Scope, name string) string {
	return scope.String() + "/providers/Microsoft.Authorization/policyAssignments/" + name
}

// Request is a query of policy states.
type Request struct {
	Scope
	Query
	// CanRead says whether the caller may read a cluster's states; nil reads every cluster.
	CanRead func(clusterID string) bool
	// NextLink makes the URL of the page of policy states that starts at skipToken.
	NextLink func(skipToken string) string
}

// readable reports whether the caller may read the cluster with this ID.
func (r *Request) readable(clusterID string) bool { return r.CanRead == nil || r.CanRead(clusterID) }

// covers reports whether a state of assignmentID is in the scope.
func (s Scope) covers(assignmentID string) bool {
	return s.AssignmentID == "" || strings.EqualFold(s.AssignmentID, assignmentID)
}
