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

// Package agentprofile is the hub's agent upgrade profile of a connectedCluster: from the
// cluster's arcAgentProfile (desiredAgentVersion, agentAutoUpgrade) and the catalog's agent
// versions, the desired object that tells the agent which version to run.
package agentprofile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Change returns the desired-state change of the agent profile of cluster clusterID from what
// the user asked for (the cluster's arcAgentProfile: desiredAgentVersion, agentAutoUpgrade,
// logLevel): the newest agent version of the catalog's default release train, and the
// version to run — the desired version when set, else the newest unless auto-upgrade is
// "Disabled" ("" means "Enabled"). Without a catalog (nil) the profile says only what the
// user asked for.
func Change(cat *catalog.Catalog, clusterID string, asked protocol.AgentProfile) (store.DesiredChange, error) {
	profile := protocol.AgentProfile{DesiredAgentVersion: asked.DesiredAgentVersion, AgentAutoUpgrade: asked.AgentAutoUpgrade, LogLevel: asked.LogLevel}
	if profile.AgentAutoUpgrade == "" {
		profile.AgentAutoUpgrade = "Enabled"
	}
	if cat != nil {
		if err := target(cat, &profile); err != nil {
			return store.DesiredChange{}, err
		}
	}
	spec, err := json.Marshal(profile)
	if err != nil {
		return store.DesiredChange{}, fmt.Errorf("encoding the agent profile: %w", err)
	}
	return store.DesiredChange{ClusterID: clusterID, Kind: protocol.KindAgentProfile, Name: "default", Spec: spec}, nil
}

// target sets the profile's release train, the newest version and the version to run.
func target(cat *catalog.Catalog, profile *protocol.AgentProfile) error {
	train, err := cat.Agent().Train("")
	if err != nil {
		return err
	}
	newest := train.Newest()
	profile.ReleaseTrain, profile.AvailableAgentVersion = train.Name, newest.Version
	switch {
	case profile.DesiredAgentVersion != "":
		r, err := train.Version(profile.DesiredAgentVersion)
		if err != nil { // not listed: the same chart repository is asked for that version
			r = newest
			r.Version, r.Chart.Version = profile.DesiredAgentVersion, strings.TrimPrefix(profile.DesiredAgentVersion, "v")
		}
		profile.TargetAgentVersion, profile.TargetChart = r.Version, &r.Chart
	case profile.AgentAutoUpgrade != "Disabled":
		profile.TargetAgentVersion, profile.TargetChart = newest.Version, &newest.Chart
	}
	return nil
}

// Refresh stores the agent profile of a stored connectedCluster again, so that it follows
// the catalog (which may have changed since the last start).
func Refresh(ctx context.Context, st store.Store, cat *catalog.Catalog, cluster *store.Resource) error {
	var doc struct {
		Properties struct {
			// The arcAgentProfile's fields have the names of the profile's.
			ArcAgentProfile protocol.AgentProfile `json:"arcAgentProfile"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(cluster.Body, &doc); err != nil {
		return fmt.Errorf("decoding cluster %s: %w", cluster.ID, err)
	}
	profile, err := Change(cat, cluster.ID, doc.Properties.ArcAgentProfile)
	if err != nil {
		return err
	}
	// As read: a cluster changed or deleted meanwhile has the profile its writer stored.
	_, err = st.PutResource(ctx, cluster, store.IfVersion(cluster.Version), profile)
	if err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("updating the agent profile of %s: %w", cluster.ID, err)
	}
	return nil
}
