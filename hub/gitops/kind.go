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

package gitops

import (
	"log/slog"
	"sync"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Kind is Flux configurations as a nested kind. The cluster's first configuration adds the
// Flux extension of Catalog through Extensions.
type Kind struct {
	Catalog    *catalog.Catalog
	Extensions *extensions.Service
	Log        *slog.Logger

	// noFluxWarning logs once that the catalog has no Flux type, not at every PUT.
	noFluxWarning sync.Once
}

func names() nested.Names {
	return nested.Names{ResourceType: ResourceType, APIVersions: []string{APIVersion}, ObjectKind: protocol.KindGitOpsConfiguration,
		Noun: "Flux configuration", Title: "Flux configuration", LogKey: "fluxConfiguration", ClusterKind: "GitOpsConfiguration",
		FailureCode: "FluxConfigurationFailed", FailureMessage: "The agent could not apply the Flux configuration."}
}

// Names names Flux configurations.
func (k *Kind) Names() nested.Names { return names() }

// ValidateName checks a Flux configuration's name.
func (k *Kind) ValidateName(name string) error { return ValidateName(name) }

// Put validates a PUT body, with Arc's defaults.
func (k *Kind) Put(decode nested.Decoder) (nested.Change[*Record], error) {
	var in Input
	if err := decode(&in); err != nil {
		return nil, err
	}
	change, err := FromPut(&in)
	if err != nil {
		return nil, err
	}
	return func(*Record, map[string]string) (*Record, map[string]string, error) {
		return &Record{Spec: change.Spec}, change.Protected, nil
	}, nil
}

// Patch validates a PATCH body; its change merges it into the stored configuration.
func (k *Kind) Patch(decode nested.Decoder) (nested.Change[*Record], error) {
	var in Input
	if err := decode(&in); err != nil {
		return nil, err
	}
	return func(old *Record, protected map[string]string) (*Record, map[string]string, error) {
		change, err := FromPatch(old.Spec, protected, &in)
		if err != nil {
			return nil, nil, err
		}
		rec := *old
		rec.Spec = change.Spec
		return &rec, change.Protected, nil
	}, nil
}

// Desired is the configuration's spec for the agent, with Flux's URL form.
func (k *Kind) Desired(rec *Record, protected string) (any, error) {
	spec := rec.Spec
	if spec.GitRepository != nil {
		g := *spec.GitRepository
		g.URL = FluxURL(g.URL)
		spec.GitRepository = &g
	}
	spec.ProtectedSettings = protected
	return spec, nil
}

// Render returns the configuration's document with the state the agent reported.
func (k *Kind) Render(rec *Record, desiredRV string, st *protocol.ObjectStatus) *Doc {
	return Render(rec, desiredRV, st)
}

// ClusterOwned renders a configuration applied in the cluster.
func (k *Kind) ClusterOwned(clusterID string, st protocol.ObjectStatus) (*Doc, bool) {
	return ClusterOwned(clusterID, st)
}

// State returns the document's provisioningState and the agent's error.
func (k *Kind) State(doc *Doc) (string, string) {
	return doc.Properties.ProvisioningState, doc.Properties.ErrorMessage
}

// Page is the listing of docs.
func (k *Kind) Page(docs []*Doc) any { return &List{Value: docs} }
