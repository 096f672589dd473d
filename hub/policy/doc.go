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

// Package policy is the hub's Azure Policy for Kubernetes: Microsoft.Authorization
// policyDefinitions (custom ones of a subscription, and the built-ins shipped in builtin/) and
// policyAssignments at a subscription, resource group or connectedCluster scope, in the ARM
// shapes of the Azure SDK for Go (armpolicy, api-version 2025-03-01).
//
// Every assignment of a Microsoft.Kubernetes.Data definition whose effect is not disabled is
// pushed, resolved, to each cluster it applies to (Applies: within its scope, not within one of
// its notScopes) as one desired protocol.KindPolicySync object, named
// protocol.PolicySyncName of the assignment's ID: the Gatekeeper ConstraintTemplate (a
// PublicURL fetched when the definition was written), the enforcement action, the match and
// the constraint's parameters, with the assignment's values substituted for the definition's
// [parameters('name')] expressions. Definitions of other modes are stored and can be assigned,
// but nothing of them reaches a cluster.
//
// Service stores definitions and assignments and writes the PolicySync objects in the same
// transaction as the write that changes them; a cluster's own write adds those of the
// assignments that apply to it, and a resync at start-up and for recently written clusters
// repairs what a cluster and an assignment written at the same moment missed of each other.
// The first assignment that reaches a cluster adds the Gatekeeper extension of the catalog.
package policy
