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
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/seal"
)

// ProtectedSettingsSuffix ends the name of the Secret that holds a hub-owned Extension's
// protected settings, beside the CR.
const ProtectedSettingsSuffix = "-protected-settings"

// maxReleaseName is Helm's limit on release names, which are the CR names.
const maxReleaseName = 53

// Extensions is the Kind of protocol.KindExtension: one Extension CR per desired object, in
// the agent's namespace, with its protected settings decrypted into a Secret the CR owns.
type Extensions struct {
	Client client.Client
	// Namespace is the agent's namespace, where the CRs and their Secrets live.
	Namespace string
	// Key returns the agent's private key, which opens the protected settings.
	Key func(ctx context.Context) (crypto.Signer, error)
}

var _ Kind = (*Extensions)(nil)

// Kind returns protocol.KindExtension.
func (e *Extensions) Kind() string { return protocol.KindExtension }

// Apply creates or updates the Extension CR of obj and its protected-settings Secret.
func (e *Extensions) Apply(ctx context.Context, obj protocol.DesiredObject) error {
	name, err := CRName(obj.Name)
	if err != nil {
		return err
	}
	spec, err := decodeExtension(obj)
	if err != nil {
		return err
	}
	protected, err := e.open(ctx, spec.ProtectedSettings)
	if err != nil {
		return err
	}
	cr := &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: e.Namespace, Name: name}}
	_, err = controllerutil.CreateOrUpdate(ctx, e.Client, cr, func() error {
		markHubOwned(cr, obj)
		cr.Spec = toCRSpec(spec)
		if len(protected) > 0 {
			cr.Spec.ProtectedSettingsSecretRef = &arcv1alpha1.SecretReference{Name: name + ProtectedSettingsSuffix}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("writing Extension %s/%s: %w", e.Namespace, name, err)
	}
	if err := writeProtectedSecret(ctx, e.Client, cr, secretData(protected)); err != nil {
		return err
	}
	return clearRejection(ctx, e.Client, cr)
}

// CRName is the name of the CR for the hub's object name: lower case, and a valid Helm
// release name.
func CRName(hubName string) (string, error) {
	name := strings.ToLower(hubName)
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 || len(name) > maxReleaseName {
		return "", &InvalidError{Message: fmt.Sprintf(
			"the extension name %q cannot name a Helm release in the cluster: use at most %d letters, digits and '-', starting and ending with a letter or digit",
			hubName, maxReleaseName)}
	}
	return name, nil
}

func decodeExtension(obj protocol.DesiredObject) (protocol.ExtensionSpec, error) {
	var spec protocol.ExtensionSpec
	if err := json.Unmarshal(obj.Spec, &spec); err != nil {
		return spec, &InvalidError{Message: "the extension's spec is not valid JSON: " + err.Error()}
	}
	var missing []string
	for field, v := range map[string]string{"extensionType": spec.ExtensionType, "version": spec.Version,
		"chart.repository": spec.Chart.Repository, "chart.name": spec.Chart.Name, "chart.version": spec.Chart.Version} {
		if v == "" {
			missing = append(missing, field)
		}
	}
	if len(missing) > 0 {
		return spec, &InvalidError{Message: "the extension's spec lacks " + strings.Join(sorted(missing), ", ")}
	}
	if spec.Scope != "" && spec.Scope != protocol.ScopeCluster && spec.Scope != protocol.ScopeNamespace {
		return spec, &InvalidError{Message: fmt.Sprintf("the extension's scope %q is neither cluster nor namespace", spec.Scope)}
	}
	return spec, nil
}

// open decrypts the protected settings with the agent key. Errors never quote them.
func (e *Extensions) open(ctx context.Context, token string) (map[string]string, error) {
	if token == "" {
		return nil, nil
	}
	key, err := e.Key(ctx)
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
	return settings, nil
}

func toCRSpec(s protocol.ExtensionSpec) arcv1alpha1.ExtensionSpec {
	scope := arcv1alpha1.ExtensionScope(s.Scope)
	if scope == "" {
		scope = arcv1alpha1.ExtensionScopeCluster
	}
	return arcv1alpha1.ExtensionSpec{
		ExtensionType: s.ExtensionType, ReleaseTrain: s.ReleaseTrain, Version: s.Version,
		AutoUpgradeMinorVersion: s.AutoUpgradeMinorVersion,
		Chart:                   arcv1alpha1.ChartReference{Repository: s.Chart.Repository, Name: s.Chart.Name, Version: s.Chart.Version},
		Scope:                   scope, Namespace: s.Namespace, ConfigurationSettings: s.ConfigurationSettings,
	}
}

// Reject marks the existing CR, if any, with HubSynced=False.
func (e *Extensions) Reject(ctx context.Context, name string, invalid *InvalidError) error {
	return reject(ctx, e.Client, &arcv1alpha1.Extension{}, e.Namespace, name, invalid)
}

// secretData is protected settings as Secret data.
func secretData(settings map[string]string) map[string][]byte {
	data := make(map[string][]byte, len(settings))
	for k, v := range settings {
		data[k] = []byte(v)
	}
	return data
}

// InvalidStatus is a Failed extension status with the reason.
func (e *Extensions) InvalidStatus(invalid *InvalidError) json.RawMessage {
	raw, _ := json.Marshal(protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningFailed, Message: invalid.Message})
	return raw
}

// Prune deletes the hub-owned Extensions the hub no longer has; their finalizer uninstalls
// the releases. The protected-settings Secret goes at once, not waiting for the garbage
// collector.
func (e *Extensions) Prune(ctx context.Context, keep map[string]bool) error {
	return pruneHubOwned(ctx, e.Client, &arcv1alpha1.ExtensionList{}, e.Namespace, keep, func(cr client.Object) error {
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: e.Namespace, Name: cr.GetName() + ProtectedSettingsSuffix}}
		if err := e.Client.Delete(ctx, secret); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("deleting the protected settings of Extension %s: %w", cr.GetName(), err)
		}
		return nil
	})
}

// HubName is the hub's name of a hub-owned CR.
func HubName(obj metav1.Object) string {
	if n := obj.GetAnnotations()[arcv1alpha1.HubNameAnnotation]; n != "" {
		return n
	}
	return obj.GetName()
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
