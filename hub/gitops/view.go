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
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// defaultSeconds is Flux's and Arc's default timeout and sync interval, shown when unset.
const defaultSeconds int64 = 600

// DecodeStatus returns the GitOps status of an agent's report, or false when it is not one.
func DecodeStatus(st *protocol.ObjectStatus) (protocol.GitOpsConfigurationStatus, bool) {
	var out protocol.GitOpsConfigurationStatus
	if st == nil || st.Kind != protocol.KindGitOpsConfiguration || json.Unmarshal(st.Status, &out) != nil {
		return out, false
	}
	return out, true
}

// Render returns the ARM document of rec with the state the agent reported: st (nil when
// none) describes the desired object at resourceVersion st.ObservedResourceVersion, and
// desiredRV is the current one.
func Render(rec *Record, desiredRV string, st *protocol.ObjectStatus) *Doc {
	doc := renderSpec(rec.ID, rec.Name, rec.Spec)
	doc.SystemData = rec.Audit.Shown()
	p := doc.Properties
	p.ProvisioningState, p.ComplianceState = rec.Phase, protocol.CompliancePending
	gs, ok := DecodeStatus(st)
	if ok {
		observed(p, gs)
	}
	current := ok && st.ObservedResourceVersion == desiredRV
	switch {
	case rec.Deleting:
		p.ProvisioningState = StateDeleting
	case !current:
		p.ComplianceState = protocol.CompliancePending
	case gs.ProvisioningState == protocol.ProvisioningSucceeded:
		p.ProvisioningState = StateSucceeded
	case gs.ProvisioningState == protocol.ProvisioningFailed:
		p.ProvisioningState = StateFailed
	}
	return doc
}

// ClusterOwned renders a configuration applied in the cluster (not through the hub) from its
// status, or reports false when st is not one.
func ClusterOwned(clusterID string, st protocol.ObjectStatus) (*Doc, bool) {
	gs, ok := DecodeStatus(&st)
	if !ok || st.ObservedResourceVersion != "" || gs.ClusterOwned == nil || gs.ProvisioningState == protocol.ProvisioningDeleted {
		return nil, false
	}
	spec := *gs.ClusterOwned
	spec.ProtectedSettings = ""
	doc := renderSpec(ID(clusterID, st.Name), st.Name, spec)
	doc.SystemData = &nested.SystemData{CreatedBy: "cluster", CreatedByType: nested.CreatedByCluster, LastModifiedByType: nested.CreatedByCluster}
	doc.Properties.ProvisioningState = StateSucceeded
	if gs.ProvisioningState == protocol.ProvisioningFailed {
		doc.Properties.ProvisioningState = StateFailed
	}
	observed(doc.Properties, gs)
	return doc, true
}

// observed copies what the agent saw into p.
func observed(p *DocProperties, gs protocol.GitOpsConfigurationStatus) {
	p.ComplianceState = gs.ComplianceState
	if p.ComplianceState == "" {
		p.ComplianceState = protocol.ComplianceUnknown
	}
	p.SourceSyncedCommitID, p.ErrorMessage = gs.SourceSyncedCommitID, gs.ErrorMessage
	p.SourceUpdatedAt = parseTime(gs.SourceUpdatedAt)
	latest := p.SourceUpdatedAt
	for _, s := range gs.Statuses {
		os := ObjectStatus{Kind: s.Kind, Name: s.Name, Namespace: s.Namespace, ComplianceState: s.ComplianceState, StatusConditions: []StatusCondition{}}
		if s.AppliedBy != nil {
			os.AppliedBy = &ObjectReference{Name: s.AppliedBy.Name, Namespace: s.AppliedBy.Namespace}
		}
		for _, c := range s.StatusConditions {
			t := parseTime(c.LastTransitionTime)
			latest = later(latest, t)
			os.StatusConditions = append(os.StatusConditions, StatusCondition{Type: c.Type, Status: c.Status, Reason: c.Reason, Message: c.Message, LastTransitionTime: t})
		}
		p.Statuses = append(p.Statuses, os)
	}
	for _, c := range gs.Conditions {
		latest = later(latest, parseTime(c.LastTransitionTime))
	}
	p.StatusUpdatedAt = latest
}

func parseTime(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if s == "" || err != nil {
		return nil
	}
	t = t.UTC()
	return &t
}

func later(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.After(*a)) {
		return b
	}
	return a
}

// renderSpec returns the document of a spec, with the defaults Flux applies shown.
func renderSpec(id, name string, s protocol.GitOpsConfigurationSpec) *Doc {
	p := &DocProperties{Scope: s.Scope, Namespace: s.Namespace, SourceKind: s.SourceKind, Suspend: s.Suspend,
		Kustomizations: map[string]*Kustomization{}, Statuses: []ObjectStatus{}}
	if g := s.GitRepository; g != nil {
		p.GitRepository = &GitRepository{URL: &g.URL, TimeoutInSeconds: orDefault(g.TimeoutInSeconds),
			SyncIntervalInSeconds: orDefault(g.SyncIntervalInSeconds), SSHKnownHosts: nonEmpty(g.SSHKnownHosts),
			HTTPSUser: nonEmpty(g.HTTPSUser), HTTPSCACert: nonEmpty(g.HTTPSCACert), LocalAuthRef: nonEmpty(g.LocalAuthRef)}
		if r := g.RepositoryRef; r != nil {
			p.GitRepository.RepositoryRef = &RepositoryRef{Branch: nonEmpty(r.Branch), Tag: nonEmpty(r.Tag), Semver: nonEmpty(r.Semver), Commit: nonEmpty(r.Commit)}
		}
	}
	for _, kname := range slices.Sorted(maps.Keys(s.Kustomizations)) {
		p.Kustomizations[kname] = renderKustomization(kname, s.Kustomizations[kname])
	}
	return &Doc{ID: id, Name: name, Type: ResourceType, Properties: p}
}

func renderKustomization(name string, k protocol.KustomizationDefinition) *Kustomization {
	wait := true
	if k.Wait != nil {
		wait = *k.Wait
	}
	out := &Kustomization{Name: &name, Path: &k.Path, DependsOn: k.DependsOn, TimeoutInSeconds: orDefault(k.TimeoutInSeconds),
		SyncIntervalInSeconds: orDefault(k.SyncIntervalInSeconds), RetryIntervalInSeconds: k.RetryIntervalInSeconds,
		Prune: &k.Prune, Force: &k.Force, Wait: &wait}
	if out.DependsOn == nil {
		out.DependsOn = []string{}
	}
	if pb := k.PostBuild; pb != nil {
		out.PostBuild = &PostBuild{Substitute: pb.Substitute}
		for _, f := range pb.SubstituteFrom {
			out.PostBuild.SubstituteFrom = append(out.PostBuild.SubstituteFrom, SubstituteFrom(f))
		}
	}
	return out
}

func orDefault(v *int64) *int64 {
	if v != nil {
		return v
	}
	d := defaultSeconds
	return &d
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
