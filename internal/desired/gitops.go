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

package desired

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/flux"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/seal"
)

// GitOpsConfigurations is the Kind of protocol.KindGitOpsConfiguration: one
// GitOpsConfiguration CR per desired object, in the agent's namespace, with its decrypted
// protected settings in a Secret the CR owns (<name>-protected-settings).
type GitOpsConfigurations struct {
	Client client.Client
	// Namespace is the agent's namespace, where the CRs and their Secrets live.
	Namespace string
	// Key returns the agent's private key, which opens the protected settings.
	Key func(ctx context.Context) (crypto.Signer, error)
}

var _ Kind = (*GitOpsConfigurations)(nil)

// Kind returns protocol.KindGitOpsConfiguration.
func (g *GitOpsConfigurations) Kind() string { return protocol.KindGitOpsConfiguration }

// Apply creates or updates the GitOpsConfiguration CR of obj and its protected-settings
// Secret.
func (g *GitOpsConfigurations) Apply(ctx context.Context, obj protocol.DesiredObject) error {
	name, err := gitOpsCRName(obj.Name)
	if err != nil {
		return err
	}
	var spec protocol.GitOpsConfigurationSpec
	if err := json.Unmarshal(obj.Spec, &spec); err != nil {
		return &InvalidError{Message: "the flux configuration's spec is not valid JSON: " + err.Error()}
	}
	protected, err := g.open(ctx, spec.ProtectedSettings)
	if err != nil {
		return err
	}
	secretName := ""
	if len(protected) > 0 {
		secretName = name + ProtectedSettingsSuffix
	}
	crSpec, err := flux.CRSpec(spec, secretName)
	if err != nil {
		return &InvalidError{Message: err.Error()}
	}
	cr := &arcv1alpha1.GitOpsConfiguration{ObjectMeta: metav1.ObjectMeta{Namespace: g.Namespace, Name: name}}
	_, err = controllerutil.CreateOrUpdate(ctx, g.Client, cr, func() error {
		markHubOwned(cr, obj)
		cr.Spec = crSpec
		return nil
	})
	if err != nil {
		return fmt.Errorf("writing GitOpsConfiguration %s/%s: %w", g.Namespace, name, err)
	}
	if err := writeProtectedSecret(ctx, g.Client, cr, protected); err != nil {
		return err
	}
	return clearRejection(ctx, g.Client, cr)
}

// gitOpsCRName is the CR name of the hub's configuration name: lower case, a DNS label, so
// that the Flux objects named after it are valid.
func gitOpsCRName(hubName string) (string, error) {
	name := strings.ToLower(hubName)
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return "", &InvalidError{Message: fmt.Sprintf(
			"the flux configuration name %q cannot name Flux objects in the cluster: use at most 63 letters, digits and '-', starting and ending with a letter or digit",
			hubName)}
	}
	return name, nil
}

// open decrypts the protected settings with the agent key and decodes their base64 values.
// Errors never quote them.
func (g *GitOpsConfigurations) open(ctx context.Context, token string) (map[string][]byte, error) {
	if token == "" {
		return nil, nil
	}
	key, err := g.Key(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the agent key: %w", err)
	}
	plain, err := seal.OpenAgent(key, token)
	if err != nil {
		return nil, &InvalidError{Message: "the protected settings cannot be decrypted with this cluster's agent key; set them again on the hub (the cluster may have been reconnected with a new key)"}
	}
	var settings map[string]string
	if err := json.Unmarshal(plain, &settings); err != nil {
		return nil, &InvalidError{Message: "the protected settings are not a JSON object of strings"}
	}
	for k := range settings {
		if errs := validation.IsConfigMapKey(k); len(errs) > 0 {
			return nil, &InvalidError{Message: fmt.Sprintf("the protected setting key %q cannot be stored in a Secret: use letters, digits, '-', '_' and '.'", k)}
		}
	}
	data, err := flux.ProtectedSecretData(settings)
	if err != nil {
		return nil, &InvalidError{Message: err.Error()}
	}
	return data, nil
}

// Reject marks the existing CR, if any, with HubSynced=False; the last good spec stays.
func (g *GitOpsConfigurations) Reject(ctx context.Context, name string, invalid *InvalidError) error {
	return reject(ctx, g.Client, &arcv1alpha1.GitOpsConfiguration{}, g.Namespace, name, invalid)
}

// InvalidStatus is a Failed status with the reason.
func (g *GitOpsConfigurations) InvalidStatus(invalid *InvalidError) json.RawMessage {
	raw, _ := json.Marshal(protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningFailed,
		ComplianceState: protocol.ComplianceUnknown, ErrorMessage: invalid.Message})
	return raw
}

// Prune deletes the hub-owned GitOpsConfigurations the hub no longer has; their finalizer
// deletes the Flux objects, and Flux prunes what they applied when prune is set.
func (g *GitOpsConfigurations) Prune(ctx context.Context, keep map[string]bool) error {
	return pruneHubOwned(ctx, g.Client, &arcv1alpha1.GitOpsConfigurationList{}, g.Namespace, keep, nil)
}
