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

package locationresources

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/store"
)

// MaxSynced caps the custom resources of one type read from a location's namespace in one
// sync: the first MaxSynced by name are shown.
const MaxSynced = 500

// phaseSynced: the resource was made in the cluster and is shown read-only, in the resource
// group of the location's first matching resource sync rule.
const phaseSynced = "Synced"

// SyncRules decide where the custom resources made in a location's namespace are shown.
type SyncRules interface {
	// LocationIDs returns the IDs of every custom location.
	LocationIDs(ctx context.Context) ([]string, error)
	// Targets returns, by the rules of the custom location id now, the function from a custom
	// resource's labels to the ID of the resource group that shows it ("" for none).
	Targets(ctx context.Context, locationID string) (func(labels map[string]string) string, error)
}

// syncClusters projects the custom resources made in the namespaces of the custom locations
// of cluster (of every connected cluster when empty) to read-only ARM resources.
func (s *Service) syncClusters(ctx context.Context, cluster string) {
	if s.rules == nil {
		return
	}
	ids, err := s.rules.LocationIDs(ctx)
	if err != nil {
		s.log.Error("Listing custom locations to sync failed", "error", err)
		return
	}
	for _, id := range ids {
		loc, err := s.locations.Lookup(ctx, id)
		if err != nil || (cluster != "" && !strings.EqualFold(loc.Cluster, cluster)) || !s.clusters.Connected(loc.Cluster) {
			continue // one deleted meanwhile, or not on an online cluster
		}
		if err := s.syncLocation(ctx, loc); err != nil {
			s.log.Info("Syncing the resources made in a custom location's namespace failed", "customLocation", loc.ID, "error", err)
		}
	}
}

// syncLocation shows the custom resources made in loc's namespace that a rule matches, and
// forgets those shown that are gone or no longer matched. Nothing is forgotten when the
// cluster could not be read.
func (s *Service) syncLocation(ctx context.Context, loc *Location) error {
	target, err := s.rules.Targets(ctx, loc.ID)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultClusterTimeout)
	defer cancel()
	wanted := map[string]shown{}
	for _, t := range s.enabledTypes(loc) {
		if _, rt, ok := s.catalog.ResourceType(t); ok {
			if err := s.madeInCluster(ctx, loc, rt, target, wanted); err != nil {
				return fmt.Errorf("listing %s: %w", rt.Resource, err)
			}
		}
	}
	if err := s.forgetUnwanted(ctx, loc.ID, wanted); err != nil {
		return err
	}
	for _, w := range wanted {
		if err := s.project(ctx, loc.ID, w.id, w.rec); err != nil && !store.LostRace(err) {
			return err
		}
	}
	return nil
}

// shown is a CR made in the cluster as the resource id shows it.
type shown struct {
	id  string
	rec *record
}

// madeInCluster adds to wanted, by lower-cased ARM ID, the records of the CRs of type rt in loc's
// namespace that were not applied by the hub and that a rule matches.
func (s *Service) madeInCluster(ctx context.Context, loc *Location, rt *catalog.ResourceType, target func(map[string]string) string,
	wanted map[string]shown) error {
	c, err := s.crClient(&record{Cluster: loc.Cluster, Namespace: loc.Namespace}, rt)
	if err != nil {
		return err
	}
	list, err := c.List(ctx, metav1.ListOptions{Limit: MaxSynced})
	if err != nil {
		return err
	}
	if list.GetContinue() != "" {
		s.log.Info("Showing only the first custom resources made in a custom location's namespace", "customLocation", loc.ID, "resource", rt.Resource, "max", MaxSynced)
	}
	for i := range list.Items {
		cr := &list.Items[i]
		if _, byHub := cr.GetAnnotations()[ResourceIDAnnotation]; byHub || cr.GetLabels()[ManagedByLabel] == ManagedByHub {
			continue
		}
		if group := target(cr.GetLabels()); group != "" {
			id := group + "/providers/" + rt.Type + "/" + cr.GetName()
			wanted[strings.ToLower(id)] = shown{id: id, rec: syncedRecord(loc, rt, cr)}
		}
	}
	return nil
}

// syncedRecord is the record showing cr, made in loc's namespace.
func syncedRecord(loc *Location, rt *catalog.ResourceType, cr *unstructured.Unstructured) *record {
	spec, _, _ := unstructured.NestedMap(cr.Object, "spec")
	rec := &record{Name: cr.GetName(), Type: rt.Type, ExtendedLocation: ExtendedLocation{Type: ExtendedLocationType, Name: loc.ID},
		Spec: spec, Cluster: loc.Cluster, Namespace: loc.Namespace, Phase: phaseSynced, Operation: StateSucceeded,
		PendingSince: cr.GetCreationTimestamp().UTC()}
	if status, ok := cr.Object["status"]; ok {
		rec.Status, _ = json.Marshal(status)
	}
	return rec
}

// forgetUnwanted deletes the records shown for the location id that wanted has no more.
func (s *Service) forgetUnwanted(ctx context.Context, id string, wanted map[string]shown) error {
	list, err := s.recordsOn(ctx, id)
	if err != nil {
		return err
	}
	for _, r := range list {
		if r.rec.Phase != phaseSynced || wanted[strings.ToLower(r.res.ID)].rec != nil {
			continue
		}
		if err := s.store.DeleteResource(ctx, r.res.ID, store.IfVersion(r.res.Version)); err != nil && !store.LostRace(err) {
			return fmt.Errorf("forgetting %s: %w", r.res.ID, err)
		}
	}
	return nil
}

// project stores rec as the resource id on the custom location locationID, unless it is
// already as shown or a resource made through the API holds that ID.
func (s *Service) project(ctx context.Context, locationID, id string, rec *record) error {
	res, old, err := s.load(ctx, id)
	switch {
	case err != nil:
		return err
	case old != nil && old.Phase != phaseSynced:
		s.log.Debug("A resource made through the API holds the ID of a custom resource made in the cluster", "resource", res.ID)
		return nil
	case old != nil && sameRecord(old, rec):
		return nil
	case res == nil:
		parts := strings.Split(id, "/")
		res = &store.Resource{ID: id, Type: rec.Type, Subscription: parts[2], ResourceGroup: parts[4], ParentID: locationID}
	}
	_, err = s.save(ctx, res, rec)
	return err
}

// sameRecord reports whether a and b store the same.
func sameRecord(a, b *record) bool {
	x, errX := json.Marshal(a)
	y, errY := json.Marshal(b)
	return errX == nil && errY == nil && bytes.Equal(x, y)
}

// readOnly is the answer to a write of the resource id, shown from a CR made in the cluster.
func readOnly(id string, rt *catalog.ResourceType) error {
	return conflict("The resource '%s' was created in the cluster (kubectl), not through this API, and is read-only here; "+
		"change or delete its %s resource in the cluster.", id, rt.Kind)
}
