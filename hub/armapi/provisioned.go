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
	"strconv"

	"github.com/kubearc/kubearc/hub/nested"
)

// provisioned is what the shared paths need of a nested type whose resources the cluster's
// agent provisions (extensions, fluxConfigurations): they may be applied in the cluster
// instead (then they are read-only here), DELETE keeps them Deleting until the agent reports
// them gone, and an operation's status is derived from their state now. P is the pointer to
// the record type R.
type provisioned[R any, P interface {
	*R
	nested.Record
}] struct {
	resourceType string
	// noun names one resource in messages, e.g. "extension".
	noun string
	id   func(nr *nestedRequest) string
	// load returns the stored record, or nil when there is none.
	load func(nr *nestedRequest) (P, error)
	// clusterOwnedConflict is the conflict to answer when the name is taken by a resource
	// applied in the cluster, else nil.
	clusterOwnedConflict func(nr *nestedRequest) error
	// forceDelete removes rec at once; markDeleting records who deleted it and stores it
	// Deleting without its desired object.
	forceDelete  func(nr *nestedRequest, rec P) error
	markDeleting func(nr *nestedRequest, rec P) error
	// outcome sets the status of a write operation from rec's state now.
	outcome func(nr *nestedRequest, rec P, out *operationStatus) error
}

// writableRecord returns the stored record (nil when new) if it may be written: not being
// deleted, and not one applied in the cluster.
func writableRecord[R any, P interface {
	*R
	nested.Record
}](t provisioned[R, P], nr *nestedRequest) (P, error) {
	old, err := t.load(nr)
	if err != nil {
		return nil, err
	}
	if old == nil {
		return nil, t.clusterOwnedConflict(nr)
	}
	if old.BeingDeleted() {
		return nil, conflict("The %s '%s' is being deleted; wait until the deletion finishes, or delete it with forceDelete=true.", t.noun, nr.name)
	}
	return old, nil
}

// deleteRecord marks the resource Deleting and removes its desired object, so the agent
// removes it; the record goes when the agent reports it gone. forceDelete=true removes it at
// once, without waiting for the agent.
func deleteRecord[R any, P interface {
	*R
	nested.Record
}](a *API, t provisioned[R, P], nr *nestedRequest) (int, any, error) {
	force, _ := strconv.ParseBool(nr.URL.Query().Get("forceDelete"))
	rec, err := t.load(nr)
	if err != nil {
		return 0, nil, err
	}
	if rec == nil {
		if err := t.clusterOwnedConflict(nr); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, nil
	}
	if force {
		if err := t.forceDelete(nr, rec); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, nil, nil
	}
	if !rec.BeingDeleted() {
		if err := t.markDeleting(nr, rec); err != nil {
			return 0, nil, err
		}
	}
	opID, err := a.startOperation(nr, t.resourceType, t.id(nr), opDelete)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, asyncOperation(nr, opID, nil), nil
}

// recordOperation answers an operation's status, derived from the resource's state now.
func recordOperation[R any, P interface {
	*R
	nested.Record
}](a *API, t provisioned[R, P], nr *nestedRequest) (int, any, error) {
	op, err := a.loadOperation(nr, t.id(nr))
	if err != nil {
		return 0, nil, err
	}
	rec, err := t.load(nr)
	if err != nil {
		return 0, nil, err
	}
	out := &operationStatus{ID: operationID(t.id(nr), nr.PathValue("operation")), Name: nr.PathValue("operation"), Status: "InProgress"}
	switch {
	case op.Action == opDelete && rec == nil:
		out.Status = "Succeeded"
	case op.Action == opDelete:
	case rec == nil || rec.BeingDeleted():
		out.Status = "Canceled"
	default:
		if err := t.outcome(nr, rec, out); err != nil {
			return 0, nil, err
		}
	}
	return http.StatusOK, out, nil
}
