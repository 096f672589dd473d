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
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// Keys of a Flux GitRepository auth Secret (source-controller's documented keys).
const (
	fluxIdentity    = "identity"
	fluxKnownHosts  = "known_hosts"
	fluxUsername    = "username"
	fluxPassword    = "password"
	fluxBearerToken = "bearerToken"
	fluxCACert      = "ca.crt"
)

// renderAuthSecret builds the Flux auth Secret from the protected settings and the spec's
// known hosts, user and CA. It returns nil when the repository needs none, or when
// localAuthRef names the user's own Secret.
func renderAuthSecret(cfg *arcv1alpha1.GitOpsConfiguration, protected map[string][]byte) (*corev1.Secret, error) {
	git := cfg.Spec.GitRepository
	if git.LocalAuthRef != "" {
		return nil, nil
	}
	data := map[string][]byte{}
	if key := protected[ProtectedSSHPrivateKey]; len(key) > 0 {
		data[fluxIdentity] = key
	}
	if password := protected[ProtectedHTTPSKey]; len(password) > 0 {
		if git.HTTPSUser == "" {
			return nil, fmt.Errorf("%w: the protected settings have %s but spec.gitRepository.httpsUser is empty: set httpsUser",
				ErrInvalidSpec, ProtectedHTTPSKey)
		}
		data[fluxUsername], data[fluxPassword] = []byte(git.HTTPSUser), password
	}
	if token := protected[ProtectedBearerToken]; len(token) > 0 {
		data[fluxBearerToken] = token
	}
	if git.SSHKnownHosts != "" {
		data[fluxKnownHosts] = []byte(git.SSHKnownHosts)
	}
	if git.HTTPSCACert != "" {
		data[fluxCACert] = []byte(git.HTTPSCACert)
	}
	if len(data) == 0 {
		return nil, nil
	}
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: objectMeta(cfg, AuthSecretName(cfg)),
		Type:       corev1.SecretTypeOpaque,
		Data:       data,
	}, nil
}
