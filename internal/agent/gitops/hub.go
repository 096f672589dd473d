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
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/flux"
	"github.com/kubearc/kubearc/internal/report"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// This file maps between the hub's wire types (pkg/protocol) and the GitOpsConfiguration CR,
// for the desired-state mirror (hub → CR) and the status reporter (CR → hub).

// CRSpec turns the hub's spec into the CR's, decoding the base64 fields. secretRef names the
// Secret with the decrypted protected settings, empty when there are none. Errors wrap
// flux.ErrInvalidSpec and never quote values.
func CRSpec(in protocol.GitOpsConfigurationSpec, secretRef string) (arcv1alpha1.GitOpsConfigurationSpec, error) {
	out := arcv1alpha1.GitOpsConfigurationSpec{
		Scope: arcv1alpha1.GitOpsScope(in.Scope), Namespace: in.Namespace, SourceKind: in.SourceKind, Suspend: in.Suspend,
	}
	if out.Scope == "" {
		out.Scope = arcv1alpha1.GitOpsScopeCluster
	}
	if out.SourceKind == "" {
		out.SourceKind = arcv1alpha1.SourceKindGitRepository
	}
	if secretRef != "" {
		out.SecretRef = &arcv1alpha1.SecretReference{Name: secretRef}
	}
	if in.GitRepository != nil {
		git, err := crGitRepository(*in.GitRepository)
		if err != nil {
			return out, err
		}
		out.GitRepository = git
	}
	for _, name := range slices.Sorted(maps.Keys(in.Kustomizations)) {
		out.Kustomizations = append(out.Kustomizations, crKustomization(name, in.Kustomizations[name]))
	}
	return out, nil
}

func crGitRepository(in protocol.GitRepositoryDefinition) (*arcv1alpha1.GitRepositorySource, error) {
	knownHosts, err := decodeField("gitRepository.sshKnownHosts", in.SSHKnownHosts)
	if err != nil {
		return nil, err
	}
	caCert, err := decodeField("gitRepository.httpsCACert", in.HTTPSCACert)
	if err != nil {
		return nil, err
	}
	out := &arcv1alpha1.GitRepositorySource{
		URL: in.URL, Timeout: seconds(in.TimeoutInSeconds), SyncInterval: seconds(in.SyncIntervalInSeconds),
		SSHKnownHosts: string(knownHosts), HTTPSUser: in.HTTPSUser, HTTPSCACert: string(caCert), LocalAuthRef: in.LocalAuthRef,
	}
	if ref := in.RepositoryRef; ref != nil {
		out.RepositoryRef = arcv1alpha1.RepositoryRef{Branch: ref.Branch, Tag: ref.Tag, Semver: ref.Semver, Commit: ref.Commit}
	}
	return out, nil
}

func crKustomization(name string, in protocol.KustomizationDefinition) arcv1alpha1.KustomizationSpec {
	out := arcv1alpha1.KustomizationSpec{
		Name: name, Path: in.Path, DependsOn: in.DependsOn, Timeout: seconds(in.TimeoutInSeconds),
		SyncInterval: seconds(in.SyncIntervalInSeconds), RetryInterval: seconds(in.RetryIntervalInSeconds),
		Prune: in.Prune, Force: in.Force, Wait: in.Wait,
	}
	if pb := in.PostBuild; pb != nil {
		out.PostBuild = &arcv1alpha1.KustomizationPostBuild{Substitute: pb.Substitute}
		for _, ref := range pb.SubstituteFrom {
			out.PostBuild.SubstituteFrom = append(out.PostBuild.SubstituteFrom,
				arcv1alpha1.SubstituteFrom{Kind: ref.Kind, Name: ref.Name, Optional: ref.Optional})
		}
	}
	return out
}

// ProtectedSecretData decodes the decrypted protected settings (base64 values) into the
// data of the CR's protected-settings Secret. Errors name the key, never the value.
func ProtectedSecretData(plain map[string]string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(plain))
	for key, value := range plain {
		decoded, err := decodeField("configurationProtectedSettings."+key, value)
		if err != nil {
			return nil, err
		}
		out[key] = decoded
	}
	return out, nil
}

func decodeField(field, value string) ([]byte, error) {
	if value == "" {
		return nil, nil
	}
	decoded, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not valid base64: encode its value with base64", flux.ErrInvalidSpec, field)
	}
	return decoded, nil
}

func seconds(s *int64) *metav1.Duration {
	if s == nil {
		return nil
	}
	return &metav1.Duration{Duration: time.Duration(*s) * time.Second}
}

// HubStatus is what the hub is told about cfg. clusterOwned adds cfg's spec (without
// secrets) for a configuration the hub did not create. A hub object the agent could not use
// (HubSynced False) is Failed with the reason.
func HubStatus(cfg *arcv1alpha1.GitOpsConfiguration, clusterOwned bool) protocol.GitOpsConfigurationStatus {
	st := cfg.Status
	out := protocol.GitOpsConfigurationStatus{
		ProvisioningState: provisioningState(cfg), ComplianceState: string(st.ComplianceState),
		SourceSyncedCommitID: st.SourceSyncedCommitID, ErrorMessage: st.ErrorMessage,
		Conditions: report.Conditions(st.Conditions),
	}
	if out.ComplianceState == "" {
		out.ComplianceState = protocol.ComplianceUnknown
	}
	if rejected := meta.FindStatusCondition(st.Conditions, arcv1alpha1.HubSyncedCondition); rejected != nil &&
		rejected.Status == metav1.ConditionFalse {
		out.ProvisioningState, out.ErrorMessage = protocol.ProvisioningFailed, rejected.Message
	}
	if st.SourceUpdatedAt != nil {
		out.SourceUpdatedAt = st.SourceUpdatedAt.UTC().Format(time.RFC3339)
	}
	for _, s := range st.Statuses {
		obj := protocol.FluxObjectStatus{
			Kind: s.Kind, Name: s.Name, Namespace: s.Namespace, ComplianceState: string(s.ComplianceState),
			StatusConditions: report.Conditions(s.Conditions),
		}
		if s.AppliedBy != nil {
			obj.AppliedBy = &protocol.ObjectReference{Name: s.AppliedBy.Name, Namespace: s.AppliedBy.Namespace}
		}
		out.Statuses = append(out.Statuses, obj)
	}
	if clusterOwned {
		spec := ProtocolSpec(cfg.Spec)
		out.ClusterOwned = &spec
	}
	return out
}

// provisioningState: Failed on a stalled spec, InProgress while the current generation is
// not applied yet or the CR is being deleted, else Succeeded (compliance is separate).
func provisioningState(cfg *arcv1alpha1.GitOpsConfiguration) string {
	switch {
	case !cfg.DeletionTimestamp.IsZero():
		return protocol.ProvisioningInProgress
	case meta.IsStatusConditionTrue(cfg.Status.Conditions, arcv1alpha1.StalledCondition):
		return protocol.ProvisioningFailed
	case cfg.Status.ObservedGeneration != cfg.Generation || cfg.Status.ComplianceState == "" ||
		cfg.Status.ComplianceState == arcv1alpha1.ComplianceUnknown:
		return protocol.ProvisioningInProgress
	default:
		return protocol.ProvisioningSucceeded
	}
}

// ProtocolSpec turns a CR spec back into the hub's shape (base64 fields encoded), for
// reporting a cluster-owned configuration. It carries no protected settings.
func ProtocolSpec(in arcv1alpha1.GitOpsConfigurationSpec) protocol.GitOpsConfigurationSpec {
	out := protocol.GitOpsConfigurationSpec{
		Scope: string(in.Scope), Namespace: in.Namespace, SourceKind: in.SourceKind, Suspend: in.Suspend,
	}
	if g := in.GitRepository; g != nil {
		out.GitRepository = &protocol.GitRepositoryDefinition{
			URL: g.URL, TimeoutInSeconds: inSeconds(g.Timeout), SyncIntervalInSeconds: inSeconds(g.SyncInterval),
			RepositoryRef: &protocol.RepositoryRefDefinition{Branch: g.RepositoryRef.Branch, Tag: g.RepositoryRef.Tag,
				Semver: g.RepositoryRef.Semver, Commit: g.RepositoryRef.Commit},
			SSHKnownHosts: encode(g.SSHKnownHosts), HTTPSUser: g.HTTPSUser, HTTPSCACert: encode(g.HTTPSCACert),
			LocalAuthRef: g.LocalAuthRef,
		}
	}
	if len(in.Kustomizations) > 0 {
		out.Kustomizations = make(map[string]protocol.KustomizationDefinition, len(in.Kustomizations))
	}
	for _, k := range in.Kustomizations {
		def := protocol.KustomizationDefinition{
			Path: k.Path, DependsOn: k.DependsOn, TimeoutInSeconds: inSeconds(k.Timeout),
			SyncIntervalInSeconds: inSeconds(k.SyncInterval), RetryIntervalInSeconds: inSeconds(k.RetryInterval),
			Prune: k.Prune, Force: k.Force, Wait: k.Wait,
		}
		if pb := k.PostBuild; pb != nil {
			def.PostBuild = &protocol.PostBuildDefinition{Substitute: pb.Substitute}
			for _, ref := range pb.SubstituteFrom {
				def.PostBuild.SubstituteFrom = append(def.PostBuild.SubstituteFrom,
					protocol.SubstituteFromDefinition{Kind: ref.Kind, Name: ref.Name, Optional: ref.Optional})
			}
		}
		out.Kustomizations[k.Name] = def
	}
	return out
}

func inSeconds(d *metav1.Duration) *int64 {
	if d == nil {
		return nil
	}
	s := int64(d.Duration / time.Second)
	return &s
}

func encode(s string) string {
	if s == "" {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(s))
}
