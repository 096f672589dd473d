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

package extensions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// StatusesReported is the agent API's hook after a cluster's statuses were stored: an
// extension being deleted whose release the agent reports uninstalled is removed.
func (s *Service) StatusesReported(ctx context.Context, clusterID string, items []protocol.ObjectStatus) error {
	return s.records().ForgetDeleted(ctx, items, func(name string) string { return ID(clusterID, name) })
}

// MarkDeleting stores rec as Deleting and removes its desired state, so the agent uninstalls
// it; the record goes when the agent reports it uninstalled.
func (s *Service) MarkDeleting(ctx context.Context, clusterID string, rec *Record) error {
	return s.records().MarkDeleting(ctx, clusterID, rec)
}

// ForceDelete removes rec and its desired state at once, without waiting for the agent.
func (s *Service) ForceDelete(ctx context.Context, clusterID string, rec *Record) error {
	return s.records().ForceDelete(ctx, clusterID, rec)
}

// ResealChanges returns the desired-state changes that re-seal the protected settings of
// the cluster's extensions for a new agent key, to store with the cluster in one transaction.
func (s *Service) ResealChanges(ctx context.Context, clusterID, agentKey string) ([]store.DesiredChange, error) {
	return s.records().ResealChanges(ctx, clusterID, func(rec *Record) (store.DesiredChange, error) {
		return s.DesiredChange(clusterID, agentKey, rec)
	})
}

// clusterDoc is the part of a stored connectedCluster the extensions need.
type clusterDoc struct {
	Properties struct {
		AgentPublicKeyCertificate string `json:"agentPublicKeyCertificate"`
		ArcAgentProfile           *struct {
			DesiredAgentVersion string `json:"desiredAgentVersion"`
			AgentAutoUpgrade    string `json:"agentAutoUpgrade"`
		} `json:"arcAgentProfile"`
	} `json:"properties"`
}

// AgentKey returns a stored cluster's agentPublicKeyCertificate.
func AgentKey(cluster *store.Resource) (string, error) {
	var doc clusterDoc
	if err := json.Unmarshal(cluster.Body, &doc); err != nil {
		return "", fmt.Errorf("decoding cluster %s: %w", cluster.ID, err)
	}
	return doc.Properties.AgentPublicKeyCertificate, nil
}

// UpgradeAll applies the catalog to every stored cluster and extension, for a hub that starts
// with a catalog that may have changed: agent profiles get the newest agent version, and
// extensions with autoUpgradeMinorVersion the newest version within their major.
func (s *Service) UpgradeAll(ctx context.Context, clusterType string) error {
	clusters, err := s.Store.ListResources(ctx, store.ListQuery{Type: clusterType})
	if err != nil {
		return fmt.Errorf("listing clusters: %w", err)
	}
	var errs []error
	for _, c := range clusters {
		errs = append(errs, s.upgradeCluster(ctx, c))
	}
	return errors.Join(errs...)
}

func (s *Service) upgradeCluster(ctx context.Context, cluster *store.Resource) error {
	var doc clusterDoc
	if err := json.Unmarshal(cluster.Body, &doc); err != nil {
		return fmt.Errorf("decoding cluster %s: %w", cluster.ID, err)
	}
	desired, auto := "", ""
	if p := doc.Properties.ArcAgentProfile; p != nil {
		desired, auto = p.DesiredAgentVersion, p.AgentAutoUpgrade
	}
	profile, err := s.AgentProfileChange(cluster.ID, desired, auto)
	if err != nil {
		return err
	}
	if _, err := s.Store.PutResource(ctx, cluster, profile); err != nil {
		return fmt.Errorf("updating the agent profile of %s: %w", cluster.ID, err)
	}
	recs, err := s.List(ctx, cluster.ID)
	if err != nil {
		return err
	}
	var errs []error
	for _, rec := range recs {
		errs = append(errs, s.upgradeExtension(ctx, cluster.ID, doc.Properties.AgentPublicKeyCertificate, rec))
	}
	return errors.Join(errs...)
}

func (s *Service) upgradeExtension(ctx context.Context, clusterID, agentKey string, rec *Record) error {
	if !rec.AutoUpgradeMinorVersion || rec.Deleting {
		return nil
	}
	before := rec.Version
	if err := s.Resolve(rec, before); err != nil {
		s.Log.Warn("The extension's type or release train left the catalog; it keeps its version", "extension", rec.ID, "error", err)
		return nil
	}
	if rec.Version == before {
		return nil
	}
	rec.Phase = PhaseUpdating
	if _, err := s.Save(ctx, clusterID, agentKey, rec); err != nil {
		return err
	}
	s.Log.Info("Extension auto-upgraded", "extension", rec.ID, "from", before, "to", rec.Version)
	return nil
}

// AgentProfileChange returns the cluster's AgentProfile desired object: the release train
// (Stable), the newest agent version on it, and the version the agent should run: the pinned
// desiredAgentVersion, else the newest when agentAutoUpgrade is not Disabled. A pinned
// version the catalog does not list is looked up in the same chart repository.
func (s *Service) AgentProfileChange(clusterID, desiredVersion, autoUpgrade string) (store.DesiredChange, error) {
	if autoUpgrade == "" {
		autoUpgrade = "Enabled"
	}
	profile := protocol.AgentProfile{DesiredAgentVersion: desiredVersion, AgentAutoUpgrade: autoUpgrade}
	train, err := s.Catalog.Agent().Train("")
	if err != nil {
		return store.DesiredChange{}, err
	}
	newest := train.Newest()
	profile.ReleaseTrain, profile.AvailableAgentVersion = train.Name, newest.Version
	switch {
	case desiredVersion != "":
		r, err := train.Version(desiredVersion)
		if err != nil { // not listed: the same chart repository is asked for that version
			r = newest
			r.Version, r.Chart.Version = desiredVersion, strings.TrimPrefix(desiredVersion, "v")
		}
		profile.TargetAgentVersion, profile.TargetChart = r.Version, &r.Chart
	case autoUpgrade != "Disabled":
		profile.TargetAgentVersion, profile.TargetChart = newest.Version, &newest.Chart
	}
	spec, err := json.Marshal(profile)
	if err != nil {
		return store.DesiredChange{}, fmt.Errorf("encoding the agent profile: %w", err)
	}
	return store.DesiredChange{ClusterID: clusterID, Kind: protocol.KindAgentProfile, Name: "default", Spec: spec}, nil
}
