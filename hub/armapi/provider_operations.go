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
	"net/http"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/hub/customlocations"
	"github.com/kubearc/kubearc/hub/policy"
	"github.com/kubearc/kubearc/hub/workspaces"
)

// operationDoc is one entry of a provider's operations list (GET /providers/{namespace}/operations):
// the shape of every SDK's OperationsClient (armhybridkubernetes Operation,
// armkubernetesconfiguration ResourceProviderOperation, armextendedlocation
// CustomLocationOperation, armpolicyinsights Operation).
type operationDoc struct {
	Name         string           `json:"name"`
	IsDataAction bool             `json:"isDataAction"`
	Origin       string           `json:"origin"`
	Display      operationDisplay `json:"display"`
}

type operationDisplay struct {
	Provider    string `json:"provider"`
	Resource    string `json:"resource"`
	Operation   string `json:"operation"`
	Description string `json:"description"`
}

// provider is a resource provider namespace the hub serves: its api-versions, resource
// types and operations.
type provider struct {
	namespace   string
	apiVersions []string
	// types are the resource types (without the namespace) the hub serves, in the order first added.
	types      []string
	operations []operationDoc
}

// providers are the namespaces the hub serves, in the order first added.
type providers []*provider

// get returns the provider of namespace (any case), or nil.
func (ps providers) get(namespace string) *provider {
	for _, p := range ps {
		if strings.EqualFold(p.namespace, namespace) {
			return p
		}
	}
	return nil
}

// add returns the provider of namespace, added when new, with apiVersions added to its own.
func (ps *providers) add(namespace string, apiVersions ...string) *provider {
	p := ps.get(namespace)
	if p == nil {
		p = &provider{namespace: namespace}
		*ps = append(*ps, p)
	}
	for _, v := range apiVersions {
		if !slices.Contains(p.apiVersions, v) {
			p.apiVersions = append(p.apiVersions, v)
		}
	}
	return p
}

// names are the namespaces, for messages.
func (ps providers) names() string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.namespace)
	}
	return strings.Join(out, ", ")
}

// hasType says whether the provider serves the resource type typ (without the namespace).
func (p *provider) hasType(typ string) bool {
	return slices.ContainsFunc(p.types, func(t string) bool { return strings.EqualFold(t, typ) })
}

// op adds the operation verb ("read", "write", "delete", "action") on resource type typ
// (its path under the namespace, e.g. connectedClusters/listClusterUserCredential), described
// by description.
func (p *provider) op(typ, verb, operation, description string) {
	top, _, _ := strings.Cut(typ, "/")
	if !p.hasType(top) {
		p.types = append(p.types, top)
	}
	p.operations = append(p.operations, operationDoc{Name: p.namespace + "/" + typ + "/" + verb, Origin: "user,system",
		Display: operationDisplay{Provider: p.namespace, Resource: typ, Operation: operation, Description: description}})
}

// crud adds the read, write and delete operations of resource type typ, a noun's.
func (p *provider) crud(typ, noun string) {
	p.op(typ, "read", "Get "+noun, "Gets or lists "+noun+"s.")
	p.op(typ, "write", "Create or update "+noun, "Creates or updates a "+noun+".")
	p.op(typ, "delete", "Delete "+noun, "Deletes a "+noun+".")
}

// Resource types and api-versions of the hub's routes that are not a registered kind.
const (
	namespaceKubernetes    = "Microsoft.Kubernetes"
	namespaceConfiguration = "Microsoft.KubernetesConfiguration"
	namespaceInsights      = "Microsoft.PolicyInsights"
)

// providers lists what the API serves, from its configuration: each served namespace with its
// resource types, operations and api-versions. It is the one list behind the operations
// routes and the answers to paths the hub does not serve.
func (a *API) providers() providers {
	var ps providers
	k8s := ps.add(namespaceKubernetes, clusterAPIVersions...)
	k8s.crud("connectedClusters", "connected cluster")
	k8s.op("connectedClusters/listClusterUserCredential", "action", "List cluster user credential",
		"Gets a kubeconfig to reach the cluster's API server through the hub.")
	for _, k := range a.Kinds.Kinds() {
		n := k.Names()
		ns, typ, _ := strings.Cut(n.ResourceType, "/")
		p := ps.add(ns, n.APIVersions...)
		p.crud(typ, n.Noun)
		p.op(typ+"/operations", "read", "Get "+n.Noun+" operation", "Gets the status of a long-running operation on a "+n.Noun+".")
	}
	if a.Catalog != nil {
		ps.add(namespaceConfiguration, extensionTypesAPIVersions...).op("extensionTypes", "read", "Get extension types",
			"Lists the extension types of the hub's catalog and their versions.")
	}
	if a.Workspaces != nil {
		ns, typ, _ := strings.Cut(workspaces.ResourceType, "/")
		ps.add(ns, workspaces.APIVersions...).crud(typ, "workspace")
	}
	a.addExtendedLocationOperations(&ps)
	a.addPolicyOperations(&ps)
	for _, p := range ps {
		p.op("operations", "read", "List operations", "Lists the operations of "+p.namespace+".")
	}
	return ps
}

func (a *API) addExtendedLocationOperations(ps *providers) {
	if a.CustomLocations != nil {
		p := ps.add("Microsoft.ExtendedLocation")
		p.op("customLocations/enabledResourceTypes", "read", "List enabled resource types",
			"Lists the resource types a custom location's extensions serve.")
		p.op("customLocations/listEnabledResourceTypes", "action", "List enabled resource types",
			"Lists the resource types a custom location's extensions serve.")
	}
	if a.SyncRules != nil {
		p := ps.add("Microsoft.ExtendedLocation", customlocations.SyncRuleAPIVersions...)
		p.crud("customLocations/resourceSyncRules", "resource sync rule")
		p.op("customLocations/findTargetResourceGroup", "action", "Find target resource group",
			"Finds the resource group whose resource sync rule matches labels.")
	}
}

func (a *API) addPolicyOperations(ps *providers) {
	if a.Policy != nil {
		p := ps.add("Microsoft.Authorization", policy.APIVersions...)
		p.crud("policyDefinitions", "policy definition")
		p.crud("policyAssignments", "policy assignment")
	}
	if a.PolicyInsights != nil {
		p := ps.add(namespaceInsights, policyInsightsAPIVersions...)
		p.op("policyStates/queryResults", "action", "Query policy states", "Queries the compliance states of resources.")
		p.op("policyStates/summarize", "action", "Summarize policy states", "Summarizes the compliance states of resources.")
		p.op("policyStates/triggerEvaluation", "action", "Trigger evaluation", "Evaluates the policy compliance of a scope again.")
		p.op("componentPolicyStates/queryResults", "action", "Query component policy states",
			"Queries the compliance states of the Kubernetes objects in a cluster.")
		p.op("asyncOperationResults", "read", "Get evaluation status", "Gets the status of a policy evaluation.")
	}
}

// registerProviderOperations adds GET /providers/{namespace}/operations for each provider.
func (a *API) registerProviderOperations(mux *http.ServeMux, ps providers) {
	for _, p := range ps {
		mux.HandleFunc("GET /providers/"+p.namespace+"/operations", a.handle(func(r *http.Request) (int, any, error) {
			if err := authenticated(r); err != nil {
				return 0, nil, err
			}
			if _, err := checkAPIVersion(r, p.namespace+"/operations", p.apiVersions); err != nil {
				return 0, nil, err
			}
			return http.StatusOK, struct {
				Value []operationDoc `json:"value"`
			}{Value: p.operations}, nil
		}))
	}
}
