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

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/gitops"
)

// put creates or replaces a Flux configuration: 201 or 200 with provisioningState Creating
// or Updating and an Azure-AsyncOperation header. The cluster's first configuration adds the
// Flux extension.
func (t *fluxConfigsType) put(nr *nestedRequest) (int, any, error) {
	var in gitops.Input
	if err := decodeBody(nr.Request, &in); err != nil {
		return 0, nil, err
	}
	change, err := gitops.FromPut(&in)
	if err != nil {
		return 0, nil, invalidFlux(err)
	}
	old, err := t.writable(nr)
	if err != nil {
		return 0, nil, err
	}
	rec := &gitops.Record{ID: t.id(nr), Name: nr.name, Spec: change.Spec, Phase: gitops.StateCreating}
	if old != nil {
		rec.Audit, rec.Phase = old.Audit, gitops.StateUpdating
	}
	t.touch(nr, rec, old == nil)
	if err := t.svc().SetProtected(rec, change.Protected); err != nil {
		return 0, nil, err
	}
	return t.write(nr, rec, old == nil)
}

// patch merges a change into a Flux configuration: 202 with provisioningState Updating.
func (t *fluxConfigsType) patch(nr *nestedRequest) (int, any, error) {
	var in gitops.Input
	if err := decodeBody(nr.Request, &in); err != nil {
		return 0, nil, err
	}
	old, err := t.writable(nr)
	if err != nil {
		return 0, nil, err
	}
	if old == nil {
		return 0, nil, notFound(gitops.ResourceType, t.id(nr))
	}
	protected, err := t.svc().Protected(old)
	if err != nil {
		return 0, nil, err
	}
	change, err := gitops.FromPatch(old.Spec, protected, &in)
	if err != nil {
		return 0, nil, invalidFlux(err)
	}
	rec := *old
	rec.Spec, rec.Phase = change.Spec, gitops.StateUpdating
	t.touch(nr, &rec, false)
	if err := t.svc().SetProtected(&rec, change.Protected); err != nil {
		return 0, nil, err
	}
	_, body, err := t.write(nr, &rec, false)
	return http.StatusAccepted, body, err
}

// write stores rec and answers the operation it started. A new configuration first adds
// the Flux extension when the cluster has none, as Arc does; changes do not, so that a user
// who removed Flux on purpose is not overruled.
func (t *fluxConfigsType) write(nr *nestedRequest, rec *gitops.Record, isNew bool) (int, any, error) {
	agentKey, err := extensions.AgentKey(nr.clusterRes)
	if err != nil {
		return 0, nil, err
	}
	if isNew {
		if _, err := t.svc().EnsureFlux(nr.Context(), nr.clusterKey(), agentKey, nr.principal.Name, t.api.now()); err != nil {
			return 0, nil, lookupError(err)
		}
	}
	created, err := t.svc().Save(nr.Context(), nr.clusterKey(), agentKey, rec)
	if err != nil {
		return 0, nil, err
	}
	opID, err := t.api.startOperation(nr, t.resourceType(), t.id(nr), opWrite)
	if err != nil {
		return 0, nil, err
	}
	obs, err := t.svc().Observe(nr.Context(), nr.clusterKey())
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return status, asyncOperation(nr, opID, obs.Render(rec)), nil
}
