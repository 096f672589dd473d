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
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/kubearc/kubearc/hub/store"
)

// Actions of long-running operations on nested resources.
const (
	opWrite  = "write"
	opDelete = "delete"
)

// operationRecord is a stored long-running operation. Its status is not stored: it is
// derived, when polled, from the state of the resource it acts on.
type operationRecord struct {
	Action     string `json:"action"`
	ResourceID string `json:"resourceId"`
}

// operationsSuffix is the type suffix of the operations of a nested type.
const operationsSuffix = "/operations"

// operationID is the stored ID of operation opID on the nested resource resourceID.
func operationID(resourceID, opID string) string { return resourceID + "/operations/" + opID }

// operationStatus is the answer of an operation-status URL (OperationStatusResult).
type operationStatus struct {
	ID     string       `json:"id"`
	Name   string       `json:"name"`
	Status string       `json:"status"`
	Error  *errorDetail `json:"error,omitempty"`
}

// startOperation records an operation on the requested resource and returns its ID.
// Operations outlive a deleted resource (its delete operation must still answer Succeeded):
// those of a nested resource are children of its cluster, and go with it; those of a
// resource group's resource are stored in its resource group.
func (a *API) startOperation(nr *nestedRequest, action string) (string, error) {
	resourceType, resourceID := nr.kind.Names().ResourceType, nr.id()
	opID := uuid.NewString()
	body, err := json.Marshal(operationRecord{Action: action, ResourceID: resourceID})
	if err != nil {
		return "", err
	}
	_, err = a.Store.PutResource(nr.Context(), &store.Resource{ID: operationID(resourceID, opID),
		Type: resourceType + operationsSuffix, Subscription: nr.sub, ResourceGroup: nr.rg,
		ParentID: nr.clusterKey(), Body: body}, store.IfAbsent())
	if errors.Is(err, store.ErrNotFound) { // the cluster was deleted meanwhile, and the resource with it
		return "", notFound(typeConnectedClusters, nr.clusterKey())
	}
	if err != nil {
		return "", fmt.Errorf("recording an operation on %s: %w", resourceID, err)
	}
	return opID, a.pruneOperations(nr, resourceType+operationsSuffix)
}

// operationRetention is how long operations can be polled after they started.
const operationRetention = 24 * time.Hour

// pruneOperations forgets the operations of the cluster (or the resource group) of the
// request older than operationRetention.
func (a *API) pruneOperations(nr *nestedRequest, opType string) error {
	ops, err := a.Store.ListResources(nr.Context(), store.ListQuery{Type: opType, Subscription: nr.sub, ResourceGroup: nr.rg, ParentID: nr.clusterKey()})
	if err != nil {
		return fmt.Errorf("listing operations of %s: %w", nr.id(), err)
	}
	before := a.now().Add(-operationRetention)
	for _, op := range ops {
		if op.CreatedAt.Before(before) {
			if err := a.Store.DeleteResource(nr.Context(), op.ID, store.IfPresent()); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("forgetting operation %s: %w", op.ID, err)
			}
		}
	}
	return nil
}

// nestedOperation answers an operation's status, derived from the resource's state now.
func (a *API) nestedOperation(nr *nestedRequest) (int, any, error) {
	op, err := a.loadOperation(nr)
	if err != nil {
		return 0, nil, err
	}
	outcome, err := nr.kind.Outcome(nr.Context(), nr.req, op.Action == opDelete)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, statusOf(operationID(nr.id(), nr.PathValue("operation")), nr.PathValue("operation"), outcome), nil
}

// loadOperation returns the operation of the request path, or a 404.
func (a *API) loadOperation(nr *nestedRequest) (*operationRecord, error) {
	id := operationID(nr.id(), nr.PathValue("operation"))
	res, err := a.Store.GetResource(nr.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &armError{status: http.StatusNotFound, code: codeResourceNotFound, message: fmt.Sprintf("The operation '%s' was not found.", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("reading operation %s: %w", id, err)
	}
	var op operationRecord
	if err := json.Unmarshal(res.Body, &op); err != nil {
		return nil, fmt.Errorf("decoding operation %s: %w", id, err)
	}
	return &op, nil
}
