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

package customlocations

import (
	"encoding/json"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Desired is the CustomLocation object pushed to the host's agent; the authentication stays
// on the hub.
func (k *Kind) Desired(rec *Record, _ string) (any, error) {
	return protocol.CustomLocationSpec{LocationID: rec.ID, Namespace: rec.Namespace,
		ClusterRoles: rec.ClusterRoles, DeleteNamespace: rec.DeleteNamespaceOnDelete}, nil
}

// Render returns the location's document with the state the agent reported.
func (k *Kind) Render(rec *Record, desiredRV string, st *protocol.ObjectStatus) *Document {
	state, failure := view(rec, desiredRV, st)
	ids := rec.ClusterExtensionIDs
	if ids == nil {
		ids = []string{}
	}
	return &Document{ID: rec.ID, Name: rec.Name, Type: ResourceType, Location: rec.Location, Tags: rec.Tags,
		Identity: rec.Identity, SystemData: rec.Audit.Shown(), failure: failure,
		Properties: &Properties{HostResourceID: rec.HostResourceID, HostType: HostTypeKubernetes, Namespace: rec.Namespace,
			DisplayName: rec.DisplayName, ClusterExtensionIDs: ids, DeleteNamespaceOnDelete: rec.DeleteNamespaceOnDelete,
			ProvisioningState: state, ProvisioningError: failure}}
}

// view is the location's provisioningState, and why it failed: the record's phase until the
// agent reports on the current desired object.
func view(rec *Record, desiredRV string, st *protocol.ObjectStatus) (state, failure string) {
	var cs protocol.CustomLocationStatus
	switch {
	case rec.Deleting:
		return extensions.StateDeleting, ""
	case st == nil || st.ObservedResourceVersion != desiredRV || json.Unmarshal(st.Status, &cs) != nil:
		return rec.Phase, ""
	case cs.ProvisioningState == protocol.ProvisioningSucceeded:
		return extensions.StateSucceeded, ""
	case cs.ProvisioningState == protocol.ProvisioningFailed:
		return extensions.StateFailed, cs.ErrorMessage
	}
	return rec.Phase, ""
}

// ClusterOwned is never true: a custom location is an ARM resource, made through the API
// only; the hub does not show the CustomLocations applied in a cluster, which the agent
// reports (docs/custom-locations.md).
func (k *Kind) ClusterOwned(string, protocol.ObjectStatus) (*Document, bool) { return nil, false }

// State returns a document's provisioningState and the agent's reason when it failed.
func (k *Kind) State(doc *Document) (string, string) {
	return doc.Properties.ProvisioningState, doc.failure
}

// Page is the listing of docs.
func (k *Kind) Page(docs []*Document) any { return &List{Value: docs} }

var _ nested.Hosted[*Record] = (*Kind)(nil)
