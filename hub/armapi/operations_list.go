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
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// clusterOperationsPath lists the long-running operations on a cluster's
// Microsoft.KubernetesConfiguration resources (OperationStatus_List).
const clusterOperationsPath = clustersPath + "/{name}/providers/" + namespaceConfiguration + "/operations"

// registerClusterOperations adds the listing of a cluster's operations, when kinds is not empty.
func (a *API) registerClusterOperations(mux *http.ServeMux, kinds []nested.Served) {
	if len(kinds) == 0 {
		return
	}
	var versions []string
	for _, k := range kinds {
		versions = append(versions, k.Names().APIVersions...)
	}
	mux.HandleFunc("GET "+clusterOperationsPath, a.handle(func(r *http.Request) (int, any, error) {
		if _, err := checkAPIVersion(r, namespaceConfiguration+"/operations", versions); err != nil {
			return 0, nil, err
		}
		return a.listClusterOperations(r, kinds)
	}))
}

// configurationKinds are the kinds nested under a cluster in Microsoft.KubernetesConfiguration.
func configurationKinds(reg *nested.Registry) []nested.Served {
	var out []nested.Served
	for _, k := range reg.Kinds() {
		if n := k.Names(); !n.InResourceGroup && strings.HasPrefix(n.ResourceType, namespaceConfiguration+"/") {
			out = append(out, k)
		}
	}
	return out
}

// operationList is a page of OperationStatusResults.
type operationList struct {
	Value    []*operationStatus `json:"value"`
	NextLink string             `json:"nextLink,omitempty"`
}

// listClusterOperations answers a page of the operations of the last 24 hours
// (operationRetention) on the cluster's resources of kinds, each with its status now: at most
// PageSize, kind after kind, the next page after the operation its $skipToken names.
func (a *API) listClusterOperations(r *http.Request, kinds []nested.Served) (int, any, error) {
	id, err := clusterID(r)
	if err != nil {
		return 0, nil, err
	}
	if _, err := a.authorize(r, auth.Read, namespaceConfiguration+"/operations/read", id.String()); err != nil {
		return 0, nil, err
	}
	cluster, err := a.Store.GetResource(r.Context(), id.String())
	if isNotFound(err) {
		return 0, nil, notFound(typeConnectedClusters, id.String())
	}
	if err != nil {
		return 0, nil, fmt.Errorf("reading cluster %s: %w", id, err)
	}
	after := r.URL.Query().Get("$skipToken")
	first := kindOfOperation(kinds, after)
	if first < 0 {
		return 0, nil, badRequest(codeInvalidParameter, "The $skipToken '%s' is not one this listing gave; list again without it.", after)
	}
	size := a.PageSize
	if size <= 0 {
		size = 100
	}
	out := &operationList{Value: []*operationStatus{}}
	for _, k := range kinds[first:] {
		last, err := a.appendOperations(r, k, cluster, after, size, out)
		if err != nil || last != "" {
			if last != "" {
				out.NextLink = nextLink(r, last)
			}
			return http.StatusOK, out, err
		}
		after = ""
	}
	return http.StatusOK, out, nil
}

// kindOfOperation is the index in kinds of the kind of the operation ID after, where a listing
// continues: 0 for none, -1 when it is no operation of theirs.
func kindOfOperation(kinds []nested.Served, after string) int {
	if after == "" {
		return 0
	}
	for i, k := range kinds {
		if strings.Contains(strings.ToLower(after), strings.ToLower("/providers/"+k.Names().ResourceType+"/")) {
			return i
		}
	}
	return -1
}

// appendOperations appends to out the cluster's operations of kind k after the one with ID
// after, until out holds size; when it is full, it returns the ID of its last one.
func (a *API) appendOperations(r *http.Request, k nested.Served, cluster *store.Resource, after string, size int, out *operationList) (string, error) {
	ops, err := a.Store.ListResources(r.Context(), store.ListQuery{Type: k.Names().ResourceType + operationsSuffix,
		Subscription: r.PathValue("sub"), ResourceGroup: r.PathValue("rg"), ParentID: cluster.ID, After: after, Limit: size - len(out.Value)})
	if err != nil {
		return "", fmt.Errorf("listing operations of %s: %w", cluster.ID, err)
	}
	for _, op := range ops {
		st, err := operationNow(r, k, cluster, op)
		if err != nil {
			return "", err
		}
		out.Value = append(out.Value, st)
	}
	if len(out.Value) == size && len(ops) > 0 {
		return ops[len(ops)-1].ID, nil
	}
	return "", nil
}

// operationNow is the status of the stored operation op of kind k on cluster.
func operationNow(r *http.Request, k nested.Served, cluster, op *store.Resource) (*operationStatus, error) {
	var rec operationRecord
	if err := json.Unmarshal(op.Body, &rec); err != nil {
		return nil, fmt.Errorf("decoding operation %s: %w", op.ID, err)
	}
	req := nested.Request{Cluster: cluster, Parent: cluster.ID, Name: path.Base(rec.ResourceID)}
	outcome, err := k.Outcome(r.Context(), req, rec.Action == opDelete)
	if err != nil {
		return nil, err
	}
	return statusOf(op.ID, path.Base(op.ID), outcome), nil
}

// statusOf is the OperationStatusResult of operation id, called name, with outcome.
func statusOf(id, name string, outcome nested.Outcome) *operationStatus {
	out := &operationStatus{ID: id, Name: name, Status: outcome.Status}
	if outcome.Status == nested.OperationFailed {
		out.Error = &errorDetail{Code: outcome.FailureCode, Message: outcome.FailureMessage}
	}
	return out
}
