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
	"context"
	"strings"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/connectivity"
	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Heartbeats says what a cluster's agent last reported; *connectivity.Tracker is one.
type Heartbeats interface {
	Get(clusterID string) (store.Runtime, connectivity.Status)
}

// Kind is custom locations as a kind of the registry, hosted by the cluster its
// properties.hostResourceId names.
type Kind struct {
	// Catalog gives the ClusterRole each extension type declares for custom locations.
	Catalog *catalog.Catalog
	// Extensions are the clusters' extensions, which clusterExtensionIds name.
	Extensions *extensions.Service
	// Heartbeats tell whether the host's agent has the custom-locations feature on.
	Heartbeats Heartbeats
	// ResourcesOn lists the IDs of the resources created on a location; a location with
	// resources is not deleted. Nil: none are.
	ResourcesOn func(ctx context.Context, locationID string) ([]string, error)
}

// Deleting refuses to delete a location that resources are still on: their custom resources
// would stay in the cluster with nothing on the hub to manage them.
func (k *Kind) Deleting(ctx context.Context, _ nested.Request, id string) error {
	if k.ResourcesOn == nil {
		return nil
	}
	ids, err := k.ResourcesOn(ctx, id)
	if err != nil || len(ids) == 0 {
		return err
	}
	return nested.Conflict("The custom location '%s' still has %d resources on it, e.g. '%s'; delete them first.", id, len(ids), ids[0])
}

// Names names custom locations.
func (k *Kind) Names() nested.Names {
	return nested.Names{ResourceType: ResourceType, APIVersions: []string{APIVersion}, ObjectKind: protocol.KindCustomLocation,
		Noun: "custom location", Title: "Custom location", LogKey: "customLocation", ClusterKind: protocol.KindCustomLocation,
		FailureCode: "CustomLocationOperationFailed", FailureMessage: "The agent could not make the namespace and its role bindings.",
		InResourceGroup: true, HostProperty: "properties.hostResourceId"}
}

// ValidateName checks a custom location's name.
func (k *Kind) ValidateName(name string) error { return ValidateName(name) }

// Put validates a PUT body: the whole location, whose host and namespace cannot change.
func (k *Kind) Put(decode nested.Decoder) (nested.Change[*Record], error) {
	var in input
	if err := decode(&in); err != nil {
		return nil, err
	}
	if in.Location == nil || strings.TrimSpace(*in.Location) == "" {
		return nil, nested.Missing("The property 'location' is required, for example \"westeurope\".")
	}
	if in.Properties == nil {
		return nil, nested.Missing("The property 'properties' is required, with at least 'hostResourceId'.")
	}
	if err := validateHost(in.Properties); err != nil {
		return nil, err
	}
	if err := validateMeta(&in); err != nil {
		return nil, err
	}
	return func(old *Record, _ map[string]string) (*Record, map[string]string, error) {
		rec := &Record{Location: *in.Location, HostResourceID: *in.Properties.HostResourceID}
		if old != nil {
			rec.Meta = old.Meta
		}
		if err := apply(rec, old, &in, true); err != nil {
			return nil, nil, err
		}
		return rec, protectedOf(in.Properties.Authentication), nil
	}, nil
}

// Patch validates a PATCH body: tags, identity and the properties it sets.
func (k *Kind) Patch(decode nested.Decoder) (nested.Change[*Record], error) {
	var in input
	if err := decode(&in); err != nil {
		return nil, err
	}
	if err := validateMeta(&in); err != nil {
		return nil, err
	}
	if p := in.Properties; p != nil && p.HostResourceID != nil {
		if err := validateHost(p); err != nil {
			return nil, err
		}
	}
	return func(old *Record, protected map[string]string) (*Record, map[string]string, error) {
		rec := *old
		if in.Location != nil {
			rec.Location = *in.Location
		}
		if err := apply(&rec, old, &in, false); err != nil {
			return nil, nil, err
		}
		if in.Properties != nil && in.Properties.Authentication != nil {
			protected = protectedOf(in.Properties.Authentication)
		}
		return &rec, protected, nil
	}, nil
}

// apply sets what in says on rec (a replacement of old when put; old is nil when new). The
// namespace is checked here when asked for, and defaulted from the name by Admit.
func apply(rec, old *Record, in *input, put bool) error {
	if in.Tags != nil || put {
		rec.Tags = in.Tags
	}
	rec.Identity = identity(old, in.Identity, put)
	p := in.Properties
	if p == nil {
		return nil
	}
	setProperties(rec, p, put)
	if p.Namespace != nil || put {
		rec.Namespace = deref(p.Namespace)
		if rec.Namespace != "" {
			if err := validateNamespace(rec.Namespace, "properties.namespace"); err != nil {
				return err
			}
		}
	}
	return validateExtensionIDs(rec.HostResourceID, rec.ClusterExtensionIDs)
}

// setProperties sets the properties p names; a PUT clears those it leaves out.
func setProperties(rec *Record, p *inputProperties, put bool) {
	if p.HostResourceID != nil {
		rec.HostResourceID = *p.HostResourceID
	}
	if p.DisplayName != nil || put {
		rec.DisplayName = deref(p.DisplayName)
	}
	if p.ClusterExtensionIDs != nil || put {
		rec.ClusterExtensionIDs = nil
		if p.ClusterExtensionIDs != nil {
			rec.ClusterExtensionIDs = *p.ClusterExtensionIDs
		}
	}
	if p.DeleteNamespaceOnDelete != nil || put {
		rec.DeleteNamespaceOnDelete = p.DeleteNamespaceOnDelete != nil && *p.DeleteNamespaceOnDelete
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
