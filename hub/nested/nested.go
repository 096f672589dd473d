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

// Package nested is the hub's registry of the kinds whose resources live on a connectedCluster:
// those nested under it (extensions, fluxConfigurations, …) and those of a resource group
// hosted by the cluster their body names (customLocations, see Hosted). A kind's own package
// implements Kind: its names, its
// validation and the mapping between its ARM documents, its stored record, the desired
// object pushed to the agent and the view shown from the agent's status. The registry does
// the rest, once for every kind: storage of the record and its desired object in one
// transaction, protected settings sealed at rest and re-sealed for the cluster's agent key,
// who changed what (systemData), Deleting until the agent reports the resource gone,
// resources applied in the cluster shown read-only, and the status of long-running
// operations. hub/armapi serves the ARM routes of every registered kind.
package nested

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// Names name a kind in routes, storage, the agent protocol and messages.
type Names struct {
	// ResourceType is its ARM type under the cluster's providers path, e.g.
	// Microsoft.KubernetesConfiguration/extensions; its last segment is the route's.
	ResourceType string
	// APIVersions are the api-versions it answers, oldest first.
	APIVersions []string
	// ObjectKind is the kind of its desired objects and statuses, e.g. protocol.KindExtension.
	ObjectKind string
	// Noun names one in messages, e.g. "extension"; Title starts a log message with it.
	Noun, Title string
	// LogKey is the key of its ID in logs, e.g. "extension".
	LogKey string
	// ClusterKind is the kind of the resource in the cluster, named when a user writes over
	// one applied there, e.g. "Extension".
	ClusterKind string
	// FailureCode is the error code of a failed operation; FailureMessage its message when the
	// agent gave none.
	FailureCode, FailureMessage string
	// InResourceGroup makes the kind's resources a resource group's
	// (…/resourceGroups/{g}/providers/{ResourceType}/{name}), each hosted by the
	// connectedCluster that the property HostProperty of its body names; the kind implements
	// Hosted. Otherwise they are a cluster's children.
	InResourceGroup bool
	// HostProperty is the property naming the host cluster, e.g. properties.hostResourceId.
	HostProperty string
}

// ID is the ARM ID of the resource name of this kind under parent: its cluster, or its
// resource group when InResourceGroup.
func (n Names) ID(parent, name string) string {
	return parent + "/providers/" + n.ResourceType + "/" + name
}

// Phases of a change the agent has not reported yet, as ARM shows them.
const (
	PhaseCreating = "Creating"
	PhaseUpdating = "Updating"
)

// Creator types of a resource (systemData.createdByType).
const (
	// CreatedByUser is a resource written through the API.
	CreatedByUser = "User"
	// CreatedByCluster is a resource applied in the cluster, shown read-only.
	CreatedByCluster = "Cluster"
)

// Meta is what the registry keeps of every record; a kind's record embeds it.
type Meta struct {
	// ID is the resource's ARM ID, Name its last segment.
	ID   string `json:"id"`
	Name string `json:"name"`
	// SealedProtectedSettings are the protected settings sealed with the hub's data key.
	SealedProtectedSettings string `json:"sealedProtectedSettings,omitempty"`
	// Phase is PhaseCreating or PhaseUpdating: the change the agent has not reported yet.
	Phase string `json:"phase"`
	// Deleting is set from DELETE until the agent reports the resource removed.
	Deleting bool `json:"deleting,omitempty"`
	// Host is the stored ID of the cluster hosting a resource group's resource (Hosted).
	Host string `json:"host,omitempty"`
	// Audit is who created and last changed the resource, and when.
	Audit SystemData `json:"audit"`
	// ETag is the stored version the record was read at ("" for one not stored yet): the
	// precondition of its next write, and its etag. It is not part of the stored body.
	ETag string `json:"-"`
	// Related are the other hub resources the record was made from (the workspace an
	// extension binds), by ID, with the versions they were read at: Save stores the record
	// only while they are unchanged, so that a write racing a change of one of them is tried
	// again on its current values. It is not part of the stored body.
	Related map[string]string `json:"-"`
}

// Base returns the record's Meta; a record embedding Meta has it.
func (m *Meta) Base() *Meta { return m }

// Record is a stored record of a kind: a struct that embeds Meta.
type Record interface {
	Base() *Meta
}

// Ptr is the pointer P to a record type R.
type Ptr[R any] interface {
	*R
	Record
}

// AgentKey returns the agentPublicKeyCertificate of a stored connectedCluster.
func AgentKey(cluster *store.Resource) (string, error) {
	var doc struct {
		Properties struct {
			AgentPublicKeyCertificate string `json:"agentPublicKeyCertificate"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(cluster.Body, &doc); err != nil {
		return "", fmt.Errorf("decoding cluster %s: %w", cluster.ID, err)
	}
	return doc.Properties.AgentPublicKeyCertificate, nil
}

// Doc is the ARM document of a resource of a kind whose properties are P, as answered.
type Doc[P any] struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Type       string      `json:"type"`
	ETag       string      `json:"etag,omitempty"`
	SystemData *SystemData `json:"systemData,omitempty"`
	Properties *P          `json:"properties"`
}

// SetETag sets the document's etag; the registry calls it when it renders a record.
func (d *Doc[P]) SetETag(etag string) { d.ETag = etag }

// EntityTag returns the document's etag, for the ETag header; "" when it has none.
func (d *Doc[P]) EntityTag() string { return d.ETag }

// SystemData is ARM's systemData of a resource.
type SystemData struct {
	CreatedBy          string    `json:"createdBy,omitempty"`
	CreatedByType      string    `json:"createdByType,omitempty"`
	CreatedAt          time.Time `json:"createdAt"`
	LastModifiedBy     string    `json:"lastModifiedBy,omitempty"`
	LastModifiedByType string    `json:"lastModifiedByType,omitempty"`
	LastModifiedAt     time.Time `json:"lastModifiedAt"`
}

// Shown is an audit as ARM shows it: the last modifier is of the creator's type.
func (d SystemData) Shown() *SystemData {
	d.LastModifiedByType = d.CreatedByType
	return &d
}
