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
	"fmt"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Host returns the cluster the location asks to be hosted by.
func (k *Kind) Host(rec *Record) string { return rec.HostResourceID }

// ObjectName is the name of the location id's CustomLocation object on its host.
func (k *Kind) ObjectName(id string) string { return protocol.CustomLocationName(id) }

// Admit checks a write of rec against its host, req.Cluster: a new location needs the
// custom-locations feature on the host's agent; the namespace defaults to the name; the
// listed extensions must exist on the host, and give the location their ClusterRoles.
func (k *Kind) Admit(ctx context.Context, req nested.Request, old, rec *Record) error {
	if old == nil {
		if err := k.featureOn(req.Cluster.ID); err != nil {
			return err
		}
	}
	if rec.Namespace == "" {
		rec.Namespace = strings.ToLower(req.Name)
		if err := validateNamespace(rec.Namespace, "the custom location's name lowercased"); err != nil {
			return err
		}
	}
	if old != nil {
		if err := immutable(old, rec); err != nil {
			return err
		}
	}
	return k.resolveExtensions(ctx, rec)
}

// EnableCommand is the command that turns the custom-locations feature on for a cluster.
func EnableCommand(clusterID string) string {
	id, _ := armid.ParseClusterID(clusterID)
	return fmt.Sprintf("arcctl connectedk8s enable-features -n %s -g %s --features cluster-connect custom-locations", id.Name, id.ResourceGroup)
}

// featureOn returns why the agent of cluster clusterID cannot host a custom location.
func (k *Kind) featureOn(clusterID string) error {
	rt, _ := k.Heartbeats.Get(clusterID)
	switch {
	case rt.LastHeartbeat.IsZero():
		return nested.Invalid("The agent of the connectedCluster '%s' has not reported yet, so the custom-locations feature is not known to be on; "+
			"connect the agent, then enable the feature with '%s'.", clusterID, EnableCommand(clusterID))
	case !slices.Contains(rt.Heartbeat.Features, protocol.FeatureCustomLocations):
		return nested.Invalid("The connectedCluster '%s' does not have the custom-locations feature enabled; enable it with '%s'.",
			clusterID, EnableCommand(clusterID))
	}
	return nil
}

// resolveExtensions records the type of each extension rec lists, which must exist on its
// host, and the ClusterRoles their catalog types declare, sorted without duplicates.
func (k *Kind) resolveExtensions(ctx context.Context, rec *Record) error {
	rec.Extensions, rec.ClusterRoles = nil, nil
	for _, id := range rec.ClusterExtensionIDs {
		ext, err := k.Extensions.Load(ctx, id)
		if err != nil {
			return err
		}
		if ext == nil || ext.Deleting {
			return nested.Invalid("The property 'properties.clusterExtensionIds' names the extension '%s', which does not exist on the cluster '%s'; "+
				"install it first (arcctl k8s-extension create).", id, rec.HostResourceID)
		}
		rec.Extensions = append(rec.Extensions, Extension{ID: id, Type: ext.ExtensionType})
		if t, err := k.Catalog.Type(ext.ExtensionType); err == nil && t.CustomLocations != nil {
			rec.ClusterRoles = append(rec.ClusterRoles, t.CustomLocations.ClusterRole)
		}
	}
	slices.Sort(rec.ClusterRoles)
	rec.ClusterRoles = slices.Compact(rec.ClusterRoles)
	return nil
}
