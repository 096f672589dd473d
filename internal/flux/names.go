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

package flux

import (
	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// Labels on every Flux object the agent creates, naming the GitOpsConfiguration it belongs
// to: the Flux objects live in another namespace, where owner references cannot point.
const (
	// LabelConfiguration holds the GitOpsConfiguration's name.
	LabelConfiguration = "arc.kubearc.io/gitops-configuration"
	// LabelConfigurationNamespace holds the GitOpsConfiguration's namespace.
	LabelConfigurationNamespace = "arc.kubearc.io/gitops-configuration-namespace"
)

// FieldOwner is the server-side apply field manager of the agent's Flux objects.
const FieldOwner = "kubearc-agent"

// Keys of the protected-settings Secret a GitOpsConfiguration's secretRef names.
const (
	// ProtectedSSHPrivateKey is the PEM private key for an ssh:// repository.
	ProtectedSSHPrivateKey = "sshPrivateKey"
	// ProtectedHTTPSKey is the password or token for HTTPS basic auth (with httpsUser).
	ProtectedHTTPSKey = "httpsKey"
	// ProtectedBearerToken is a token sent as "Authorization: Bearer".
	ProtectedBearerToken = "bearerToken"
)

// defaultNamespace is the Flux objects' namespace when the spec leaves it empty, as in Arc.
const defaultNamespace = "default"

// Namespace returns the namespace of cfg's Flux objects.
func Namespace(cfg *arcv1alpha1.GitOpsConfiguration) string {
	if cfg.Spec.Namespace == "" {
		return defaultNamespace
	}
	return cfg.Spec.Namespace
}

// GitRepositoryName returns the name of cfg's GitRepository: the configuration's, like Arc.
func GitRepositoryName(cfg *arcv1alpha1.GitOpsConfiguration) string {
	return cfg.Name
}

// KustomizationName returns the name of the Flux Kustomization of cfg's kustomization name:
// <configuration>-<kustomization>, like Arc.
func KustomizationName(cfg *arcv1alpha1.GitOpsConfiguration, name string) string {
	return cfg.Name + "-" + name
}

// AuthSecretName returns the name of the Secret with the GitRepository's credentials.
func AuthSecretName(cfg *arcv1alpha1.GitOpsConfiguration) string {
	return cfg.Name + "-auth"
}

// Labels returns the labels that tie a Flux object to cfg.
func Labels(cfg *arcv1alpha1.GitOpsConfiguration) map[string]string {
	return map[string]string{LabelConfiguration: cfg.Name, LabelConfigurationNamespace: cfg.Namespace}
}
