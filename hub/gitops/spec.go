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
	"strings"

	"github.com/kubearc/kubearc/hub/nested"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Defaults of a new Flux configuration, as in Arc.
const (
	defaultNamespace = "default"
)

// Change is a validated PUT or PATCH: the new spec and protected settings.
type Change struct {
	Spec protocol.GitOpsConfigurationSpec
	// Protected are the protected settings after the change (base64 values); nil when none.
	Protected map[string]string
}

// FromPut returns the configuration a PUT body asks for, with Arc's defaults, validated.
func FromPut(in *Input) (*Change, error) {
	if in.Properties == nil {
		return nil, nested.Missing("The property 'properties' is required.")
	}
	c := &Change{Spec: protocol.GitOpsConfigurationSpec{
		Scope: protocol.ScopeCluster, Namespace: defaultNamespace, SourceKind: protocol.SourceKindGitRepository,
	}}
	if in.Properties.GitRepository == nil && !otherSource(in.Properties) {
		return nil, nested.Missing("The property 'properties.gitRepository' is required for sourceKind GitRepository: give at least its url and repositoryRef.")
	}
	if err := c.apply(in.Properties, false); err != nil {
		return nil, err
	}
	return c, c.Validate()
}

// FromPatch returns the configuration after applying a PATCH body to the stored one, validated.
// Maps are merged: a kustomization or protected setting set to null is removed.
func FromPatch(spec protocol.GitOpsConfigurationSpec, protected map[string]string, in *Input) (*Change, error) {
	c := &Change{Spec: spec, Protected: maps.Clone(protected)}
	c.Spec.GitRepository = cloneGit(spec.GitRepository)
	c.Spec.Kustomizations = maps.Clone(spec.Kustomizations)
	if in.Properties != nil {
		if err := c.apply(in.Properties, true); err != nil {
			return nil, err
		}
	}
	return c, c.Validate()
}

// otherSource reports whether p defines a source other than a Git repository; null counts
// as absent.
func otherSource(p *Properties) bool {
	for _, raw := range []json.RawMessage{p.Bucket, p.AzureBlob, p.OCIRepository} {
		if len(raw) > 0 && string(raw) != "null" {
			return true
		}
	}
	return false
}

func cloneGit(g *protocol.GitRepositoryDefinition) *protocol.GitRepositoryDefinition {
	if g == nil {
		return nil
	}
	out := *g
	if g.RepositoryRef != nil {
		ref := *g.RepositoryRef
		out.RepositoryRef = &ref
	}
	return &out
}

// apply sets what p sets. merge (PATCH) lets null remove map entries.
func (c *Change) apply(p *Properties, merge bool) error {
	if otherSource(p) {
		return nested.Invalid("This hub supports sourceKind GitRepository only: remove 'properties.bucket', 'properties.azureBlob' and 'properties.ociRepository' and give 'properties.gitRepository'.")
	}
	s := &c.Spec
	setString(&s.Scope, p.Scope)
	setString(&s.Namespace, p.Namespace)
	setString(&s.SourceKind, p.SourceKind)
	// ARM enumerations are case-insensitive.
	s.Scope = strings.ToLower(s.Scope)
	if strings.EqualFold(s.SourceKind, protocol.SourceKindGitRepository) {
		s.SourceKind = protocol.SourceKindGitRepository
	}
	if p.Suspend != nil {
		s.Suspend = *p.Suspend
	}
	if p.GitRepository != nil {
		if s.GitRepository == nil {
			s.GitRepository = &protocol.GitRepositoryDefinition{}
		}
		applyGit(s.GitRepository, p.GitRepository)
	}
	if err := c.applyKustomizations(p.Kustomizations, merge); err != nil {
		return err
	}
	return c.applyProtected(p.ConfigurationProtectedSettings, merge)
}

func setString(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

func applyGit(g *protocol.GitRepositoryDefinition, in *GitRepository) {
	setString(&g.URL, in.URL)
	if in.TimeoutInSeconds != nil {
		g.TimeoutInSeconds = in.TimeoutInSeconds
	}
	if in.SyncIntervalInSeconds != nil {
		g.SyncIntervalInSeconds = in.SyncIntervalInSeconds
	}
	if r := in.RepositoryRef; r != nil { // a reference replaces the old one: only one kind is allowed
		g.RepositoryRef = &protocol.RepositoryRefDefinition{Branch: deref(r.Branch), Tag: deref(r.Tag), Semver: deref(r.Semver), Commit: deref(r.Commit)}
	}
	setString(&g.SSHKnownHosts, in.SSHKnownHosts)
	setString(&g.HTTPSUser, in.HTTPSUser)
	setString(&g.HTTPSCACert, in.HTTPSCACert)
	setString(&g.LocalAuthRef, in.LocalAuthRef)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (c *Change) applyKustomizations(in map[string]*Kustomization, merge bool) error {
	if len(in) > 0 && c.Spec.Kustomizations == nil {
		c.Spec.Kustomizations = map[string]protocol.KustomizationDefinition{}
	}
	for _, name := range slices.Sorted(maps.Keys(in)) {
		k := in[name]
		switch {
		case k == nil && merge:
			delete(c.Spec.Kustomizations, name)
		case k == nil:
			return nested.Invalid("The kustomization '%s' in 'properties.kustomizations' is null; give an object such as {\"path\": \"./\"}.", name)
		default:
			c.Spec.Kustomizations[name] = applyKustomization(c.Spec.Kustomizations[name], k)
		}
	}
	if len(c.Spec.Kustomizations) == 0 {
		c.Spec.Kustomizations = nil
	}
	return nil
}

func applyKustomization(k protocol.KustomizationDefinition, in *Kustomization) protocol.KustomizationDefinition {
	setString(&k.Path, in.Path)
	if in.DependsOn != nil {
		k.DependsOn = slices.Clone(in.DependsOn)
	}
	for dst, src := range map[**int64]*int64{&k.TimeoutInSeconds: in.TimeoutInSeconds,
		&k.SyncIntervalInSeconds: in.SyncIntervalInSeconds, &k.RetryIntervalInSeconds: in.RetryIntervalInSeconds} {
		if src != nil {
			*dst = src
		}
	}
	if in.Prune != nil {
		k.Prune = *in.Prune
	}
	if in.Force != nil {
		k.Force = *in.Force
	}
	if in.Wait != nil {
		k.Wait = in.Wait
	}
	if in.PostBuild != nil {
		pb := &protocol.PostBuildDefinition{Substitute: maps.Clone(in.PostBuild.Substitute)}
		for _, f := range in.PostBuild.SubstituteFrom {
			pb.SubstituteFrom = append(pb.SubstituteFrom, protocol.SubstituteFromDefinition(f))
		}
		k.PostBuild = pb
	}
	return k
}

// applyProtected sets protected settings. A PUT replaces them all; a PATCH merges.
func (c *Change) applyProtected(in map[string]*string, merge bool) error {
	if in == nil {
		return nil
	}
	if !merge || c.Protected == nil {
		if !merge {
			c.Protected = nil
		}
		if len(in) > 0 && c.Protected == nil {
			c.Protected = map[string]string{}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(in)) {
		v := in[key]
		switch {
		case v == nil && merge:
			delete(c.Protected, key)
		case v == nil:
			return nested.Invalid("The value of '%s' in 'properties.configurationProtectedSettings' must be a base64 string, not null.", key)
		default:
			c.Protected[key] = *v
		}
	}
	if len(c.Protected) == 0 {
		c.Protected = nil
	}
	return nil
}
