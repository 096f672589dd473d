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
	"errors"
	"net/http"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/gitops"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// fluxConfigsType serves Microsoft.KubernetesConfiguration/fluxConfigurations under a
// connectedCluster; hub/gitops holds the validation, mapping and state.
type fluxConfigsType struct {
	api *API
}

func (t *fluxConfigsType) segment() string      { return "fluxConfigurations" }
func (t *fluxConfigsType) resourceType() string { return gitops.ResourceType }
func (t *fluxConfigsType) validateName(name string) error {
	return invalidFlux(gitops.ValidateName(name))
}

func (t *fluxConfigsType) svc() *gitops.Service {
	return &gitops.Service{Store: t.api.Store, Extensions: t.api.Extensions, Log: t.api.Log}
}

func (t *fluxConfigsType) id(nr *nestedRequest) string { return gitops.ID(nr.clusterKey(), nr.name) }

// invalidFlux answers a validation error as an ARM 400; other errors pass through.
func invalidFlux(err error) error {
	var ie *gitops.InvalidError
	if !errors.As(err, &ie) {
		return err
	}
	code := codeInvalidParameter
	if ie.Missing {
		code = codeMissingProperty
	}
	return &armError{status: http.StatusBadRequest, code: code, message: ie.Message}
}

func (t *fluxConfigsType) get(nr *nestedRequest) (int, any, error) {
	return getDoc(t.provisioned(), t.views, nr)
}

// list answers the hub's configurations, then those applied in the cluster.
func (t *fluxConfigsType) list(nr *nestedRequest) (int, any, error) {
	return listDocs(t.svc().List, t.views, func(docs []*gitops.Doc) any { return &gitops.List{Value: docs} }, nr)
}

// views renders the cluster's configurations with the state the agent reported.
func (t *fluxConfigsType) views(nr *nestedRequest) (docViews[gitops.Record, *gitops.Record, *gitops.Doc], error) {
	obs, err := t.svc().Observe(nr.Context(), nr.clusterKey())
	if err != nil {
		return docViews[gitops.Record, *gitops.Record, *gitops.Doc]{}, err
	}
	return docViews[gitops.Record, *gitops.Record, *gitops.Doc]{
		statuses: obs.Statuses,
		render:   obs.Render,
		clusterOwned: func(st protocol.ObjectStatus) (*gitops.Doc, bool) {
			return gitops.ClusterOwned(nr.clusterKey(), st)
		},
	}, nil
}

// provisioned is how the shared paths of agent-provisioned resources handle Flux
// configurations.
func (t *fluxConfigsType) provisioned() provisioned[gitops.Record, *gitops.Record] {
	return provisioned[gitops.Record, *gitops.Record]{resourceType: t.resourceType(), noun: "Flux configuration", id: t.id, load: t.load,
		clusterOwnedConflict: t.clusterOwnedConflict, forceDelete: t.forceDelete, markDeleting: t.markDeleting, outcome: t.outcome}
}

func (t *fluxConfigsType) load(nr *nestedRequest) (*gitops.Record, error) {
	return t.svc().Load(nr.Context(), t.id(nr))
}

// writable returns the stored configuration (nil when new) if it may be written.
func (t *fluxConfigsType) writable(nr *nestedRequest) (*gitops.Record, error) {
	return writableRecord(t.provisioned(), nr)
}

// clusterOwnedConflict is the 409 for writing over a configuration applied in the cluster.
func (t *fluxConfigsType) clusterOwnedConflict(nr *nestedRequest) error {
	obs, err := t.svc().Observe(nr.Context(), nr.clusterKey())
	if err != nil {
		return err
	}
	if _, owned := gitops.ClusterOwned(nr.clusterKey(), obs.Statuses[nr.name]); owned {
		return conflict("The Flux configuration '%s' was created in the cluster (kubectl), not through this API, and is read-only here; "+
			"change or delete its GitOpsConfiguration resource in the cluster, or choose another name.", nr.name)
	}
	return nil
}

// delete marks the configuration Deleting and removes its desired object; it goes when the
// agent reports its Flux objects removed. forceDelete=true removes it at once.
func (t *fluxConfigsType) delete(nr *nestedRequest) (int, any, error) {
	return deleteRecord(t.api, t.provisioned(), nr)
}

func (t *fluxConfigsType) forceDelete(nr *nestedRequest, rec *gitops.Record) error {
	return t.svc().ForceDelete(nr.Context(), nr.clusterKey(), rec)
}

func (t *fluxConfigsType) markDeleting(nr *nestedRequest, rec *gitops.Record) error {
	t.touch(nr, rec, false)
	return t.svc().MarkDeleting(nr.Context(), nr.clusterKey(), rec)
}

// operation answers an operation's status, derived from the configuration's state now.
func (t *fluxConfigsType) operation(nr *nestedRequest) (int, any, error) {
	return recordOperation(t.api, t.provisioned(), nr)
}

// outcome sets the status of a write operation from the configuration's state now.
func (t *fluxConfigsType) outcome(nr *nestedRequest, rec *gitops.Record, out *operationStatus) error {
	obs, err := t.svc().Observe(nr.Context(), nr.clusterKey())
	if err != nil {
		return err
	}
	switch doc := obs.Render(rec); doc.Properties.ProvisioningState {
	case gitops.StateSucceeded:
		out.Status = "Succeeded"
	case gitops.StateFailed:
		out.Status = "Failed"
		out.Error = &errorDetail{Code: "FluxConfigurationFailed", Message: firstOf(doc.Properties.ErrorMessage, "The agent could not apply the Flux configuration.")}
	}
	return nil
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// touch records who changed the configuration and when.
func (t *fluxConfigsType) touch(nr *nestedRequest, rec *gitops.Record, created bool) {
	now := t.api.now()
	if created {
		rec.Audit = extensions.Audit{CreatedBy: nr.principal.Name, CreatedByType: "User", CreatedAt: now}
	}
	rec.Audit.LastModifiedBy, rec.Audit.LastModifiedAt = nr.principal.Name, now
}
