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
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"

	"github.com/Masterminds/semver/v3"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxSeconds bounds timeouts and intervals: 30 days.
const maxSeconds = 30 * 24 * 60 * 60

// protectedKeys are the configurationProtectedSettings the agent understands.
var protectedKeys = []string{protocol.ProtectedSSHPrivateKey, protocol.ProtectedHTTPSKey, protocol.ProtectedBearerToken}

var (
	commitRE = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)
	// varNameRE is a post-build variable name as Flux accepts it.
	varNameRE = regexp.MustCompile(`^[_a-zA-Z][_a-zA-Z0-9]*$`)
)

// ValidateName checks a Flux configuration's name: it names the Flux objects in the cluster.
func ValidateName(name string) error {
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 || len(name) > 30 {
		return nested.Invalid("The Flux configuration name '%s' is invalid: use 1-30 lower-case letters, digits or '-', starting and ending with a letter or digit.", name)
	}
	return nil
}

// Validate checks the whole configuration after a change.
func (c *Change) Validate() error {
	s := &c.Spec
	if s.Scope != protocol.ScopeCluster && s.Scope != protocol.ScopeNamespace {
		return nested.Invalid("The property 'properties.scope' must be 'cluster' or 'namespace', not '%s'.", s.Scope)
	}
	if errs := validation.IsDNS1123Label(s.Namespace); len(errs) > 0 {
		return nested.Invalid("The property 'properties.namespace' must be a Kubernetes namespace name (lower-case letters, digits and '-', at most 63): '%s' is not.", s.Namespace)
	}
	if s.SourceKind != protocol.SourceKindGitRepository {
		return nested.Invalid("The property 'properties.sourceKind' is '%s', which this hub does not support; use GitRepository.", s.SourceKind)
	}
	if s.GitRepository == nil {
		return nested.Missing("The property 'properties.gitRepository' is required for sourceKind GitRepository: give at least its url and repositoryRef.")
	}
	kind, err := validateGit(s.GitRepository)
	if err != nil {
		return err
	}
	if err := c.validateAuth(kind); err != nil {
		return err
	}
	return validateKustomizations(s.Kustomizations)
}

// validateGit checks the repository and returns its URL's kind: http, https or ssh.
func validateGit(g *protocol.GitRepositoryDefinition) (string, error) {
	kind, err := urlKind(g.URL)
	if err != nil {
		return "", err
	}
	if err := validateRef(g.RepositoryRef); err != nil {
		return "", err
	}
	if err := validateSeconds("properties.gitRepository.timeoutInSeconds", g.TimeoutInSeconds); err != nil {
		return "", err
	}
	if err := validateSeconds("properties.gitRepository.syncIntervalInSeconds", g.SyncIntervalInSeconds); err != nil {
		return "", err
	}
	for _, f := range [][2]string{{"sshKnownHosts", g.SSHKnownHosts}, {"httpsCACert", g.HTTPSCACert}} {
		if _, err := base64.StdEncoding.DecodeString(f[1]); err != nil {
			return "", nested.Invalid("The property 'properties.gitRepository.%s' must be base64-encoded; encode the file's content with base64.", f[0])
		}
	}
	if g.LocalAuthRef != "" {
		if errs := validation.IsDNS1123Subdomain(g.LocalAuthRef); len(errs) > 0 {
			return "", nested.Invalid("The property 'properties.gitRepository.localAuthRef' must name a Secret in the configuration's namespace: '%s' is not a valid Secret name.", g.LocalAuthRef)
		}
	}
	return kind, nil
}

func validateRef(ref *protocol.RepositoryRefDefinition) error {
	const field = "properties.gitRepository.repositoryRef"
	if ref == nil {
		return nested.Missing("The property '%s' is required: set one of branch, tag, semver or commit.", field)
	}
	set := []string{}
	for _, f := range [][2]string{{"branch", ref.Branch}, {"commit", ref.Commit}, {"semver", ref.Semver}, {"tag", ref.Tag}} {
		if f[1] != "" {
			set = append(set, f[0])
		}
	}
	switch {
	case len(set) == 0:
		return nested.Missing("The property '%s' must set one of branch, tag, semver or commit.", field)
	case len(set) > 1:
		return nested.Invalid("The property '%s' sets %s; set exactly one of branch, tag, semver or commit.", field, strings.Join(set, " and "))
	}
	return validateRefValue(field, ref)
}

func validateRefValue(field string, ref *protocol.RepositoryRefDefinition) error {
	for _, f := range [][2]string{{"branch", ref.Branch}, {"tag", ref.Tag}} {
		if f[1] != "" && (strings.ContainsAny(f[1], " \t\n~^:?*[\\") || strings.Contains(f[1], "..")) {
			return nested.Invalid("The property '%s.%s' is not a valid git reference name: '%s'.", field, f[0], f[1])
		}
	}
	if ref.Semver != "" {
		if _, err := semver.NewConstraint(ref.Semver); err != nil {
			return nested.Invalid("The property '%s.semver' is not a semver range: '%s' (%v); use e.g. '>=1.0.0 <2.0.0'.", field, ref.Semver, err)
		}
	}
	if ref.Commit != "" && !commitRE.MatchString(ref.Commit) {
		return nested.Invalid("The property '%s.commit' must be a full commit id: 40 (or 64) lower-case hex digits, not '%s'.", field, ref.Commit)
	}
	return nil
}

func validateSeconds(field string, v *int64) error {
	if v != nil && (*v < 1 || *v > maxSeconds) {
		return nested.Invalid("The property '%s' must be between 1 and %d seconds (30 days), not %d.", field, maxSeconds, *v)
	}
	return nil
}

// validateAuth checks the protected settings against the repository's URL and user.
func (c *Change) validateAuth(kind string) error {
	for _, key := range slices.Sorted(maps.Keys(c.Protected)) {
		if !slices.Contains(protectedKeys, key) {
			return nested.Invalid("The key '%s' of 'properties.configurationProtectedSettings' is unknown; valid keys are %s.", key, strings.Join(protectedKeys, ", "))
		}
		if _, err := base64.StdEncoding.DecodeString(c.Protected[key]); err != nil || c.Protected[key] == "" {
			return nested.Invalid("The value of '%s' in 'properties.configurationProtectedSettings' must be base64-encoded and not empty.", key)
		}
	}
	if err := c.validateSSHAuth(kind); err != nil {
		return err
	}
	return c.validateHTTPSAuth(kind)
}

func (c *Change) validateSSHAuth(kind string) error {
	g := c.Spec.GitRepository
	_, hasSSHKey := c.Protected[protocol.ProtectedSSHPrivateKey]
	switch {
	case hasSSHKey && kind != "ssh":
		return nested.Invalid("The protected setting 'sshPrivateKey' needs an ssh:// (or git@host:path) repository URL; 'properties.gitRepository.url' is %s://. Use httpsUser and httpsKey for HTTPS.", kind)
	case g.SSHKnownHosts != "" && kind != "ssh":
		return nested.Invalid("The property 'properties.gitRepository.sshKnownHosts' needs an ssh:// (or git@host:path) repository URL; the URL is %s://.", kind)
	case g.LocalAuthRef != "" && len(c.Protected) > 0:
		return nested.Invalid("The property 'properties.gitRepository.localAuthRef' names the Secret to authenticate with; remove 'properties.configurationProtectedSettings' or localAuthRef.")
	}
	return nil
}

func (c *Change) validateHTTPSAuth(kind string) error {
	g := c.Spec.GitRepository
	_, hasHTTPSKey := c.Protected[protocol.ProtectedHTTPSKey]
	switch {
	case (g.HTTPSUser != "" || hasHTTPSKey) && kind == "ssh":
		return nested.Invalid("The properties 'httpsUser' and 'httpsKey' need an http(s):// repository URL; the URL is ssh. Use sshPrivateKey for SSH.")
	case g.HTTPSUser != "" && !hasHTTPSKey:
		return nested.Invalid("The property 'properties.gitRepository.httpsUser' needs the protected setting 'httpsKey' (the password or token) in 'properties.configurationProtectedSettings'.")
	case hasHTTPSKey && g.HTTPSUser == "":
		return nested.Invalid("The protected setting 'httpsKey' needs 'properties.gitRepository.httpsUser'.")
	case g.HTTPSCACert != "" && kind != "https":
		return nested.Invalid("The property 'properties.gitRepository.httpsCACert' needs an https:// repository URL; the URL is %s://.", kind)
	}
	return nil
}
