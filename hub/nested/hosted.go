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

package nested

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
)

// Hosted is a kind of resource-group resources (Names.InResourceGroup), each hosted by a
// connectedCluster its body names. The registry reads the host when a resource is written,
// refuses a host that does not exist, is in another subscription or that the caller may not
// write, keeps the resource's desired object on the host and stores the resource as the
// host's child (it goes with the cluster).
type Hosted[P any] interface {
	// Host returns the ID of the cluster rec asks to be hosted by, as the user wrote it.
	Host(rec P) string
	// ObjectName is the name of the desired object of the resource id on its host.
	ObjectName(id string) string
	// Admit checks a write of rec (old is the stored record, nil when new) against its host,
	// req.Cluster as stored; it may complete rec from what it reads. Its errors are answered
	// as they are.
	Admit(ctx context.Context, req Request, old, rec P) error
}

// objectName is the name of rec's desired object: its own, or the one its Hosted kind names.
func (s *Service[R, P, D]) objectName(rec P) string {
	if h, ok := s.kind.(Hosted[P]); ok {
		return h.ObjectName(rec.Base().ID)
	}
	return rec.Base().Name
}

// host sets req.Cluster to the cluster hosting rec, a resource group's resource about to be
// written over old (nil when new), and lets the kind admit the write; nothing for a kind
// nested under a cluster.
func (s *Service[R, P, D]) host(ctx context.Context, req *Request, old, rec P) error {
	h, ok := s.kind.(Hosted[P])
	if !ok {
		return nil
	}
	cluster, err := s.hostCluster(ctx, *req, h.Host(rec))
	if err != nil {
		return err
	}
	req.Cluster, rec.Base().Host = cluster, cluster.ID
	return h.Admit(ctx, *req, old, rec)
}

// hostCluster reads the cluster id that the request's resource names as its host, if the
// caller may write it and it is in the resource's subscription.
func (s *Service[R, P, D]) hostCluster(ctx context.Context, req Request, id string) (*store.Resource, error) {
	prop := s.names.HostProperty
	cid, err := armid.ParseClusterID(id)
	if err != nil {
		return nil, Invalid("The property '%s' must be a connectedCluster's ID: %s.", prop, err)
	}
	if sub, _, _ := scopeOf(req.Parent); !strings.EqualFold(cid.Subscription, sub) {
		return nil, Invalid("The property '%s' names the connectedCluster '%s' of subscription '%s'; it must be in the %s's subscription '%s'.",
			prop, id, cid.Subscription, s.names.Noun, sub)
	}
	if err := req.MayWrite(cid.String()); err != nil {
		return nil, err
	}
	cluster, err := s.store.GetResource(ctx, cid.String())
	if errors.Is(err, store.ErrNotFound) {
		return nil, Invalid("The property '%s' names the connectedCluster '%s', which does not exist; connect the cluster first.", prop, id)
	}
	if err != nil {
		return nil, fmt.Errorf("reading cluster %s: %w", id, err)
	}
	return cluster, nil
}

// scopeOf returns the subscription and resource group of an ARM ID under a resource group.
func scopeOf(id string) (sub, rg string, ok bool) {
	parts := strings.Split(id, "/")
	if len(parts) < 5 || parts[0] != "" || !strings.EqualFold(parts[1], "subscriptions") || !strings.EqualFold(parts[3], "resourceGroups") {
		return "", "", false
	}
	return parts[2], parts[4], true
}

// recordIDs returns the IDs of the records of cluster clusterID whose desired objects are
// called names.
func (s *Service[R, P, D]) recordIDs(ctx context.Context, clusterID string, names []string) ([]string, error) {
	if !s.names.InResourceGroup {
		ids := make([]string, 0, len(names))
		for _, name := range names {
			ids = append(ids, s.names.ID(clusterID, name))
		}
		return ids, nil
	}
	recs, err := s.List(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	for _, name := range names {
		wanted[name] = true
	}
	var ids []string
	for _, rec := range recs {
		if wanted[s.objectName(rec)] {
			ids = append(ids, rec.Base().ID)
		}
	}
	return ids, nil
}
