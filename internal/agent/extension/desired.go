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

package extension

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxReleaseName is Helm's limit on release names, which are the CR names.
const maxReleaseName = 53

// Desired is the desired.Kind of protocol.KindExtension: one Extension CR per desired object,
// in the agent's namespace, with its protected settings decrypted into a Secret the CR owns.
type Desired struct {
	desired.Target
}

var _ desired.Kind = (*Desired)(nil)

// Kind returns protocol.KindExtension.
func (e *Desired) Kind() string { return protocol.KindExtension }

// Apply creates or updates the Extension CR of obj and its protected-settings Secret.
func (e *Desired) Apply(ctx context.Context, obj protocol.DesiredObject) error {
	name, err := CRName(obj.Name)
	if err != nil {
		return err
	}
	spec, err := decode(obj)
	if err != nil {
		return err
	}
	protected, err := e.Open(ctx, spec.ProtectedSettings)
	if err != nil {
		return err
	}
	cr := &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: e.Namespace, Name: name}}
	return e.Write(ctx, cr, obj, secretData(protected), func() {
		cr.Spec = toCRSpec(spec)
		if len(protected) > 0 {
			cr.Spec.ProtectedSettingsSecretRef = &arcv1alpha1.SecretReference{Name: name + desired.ProtectedSettingsSuffix}
		}
	})
}

// CRName is the name of the CR for the hub's object name: lower case, and a valid Helm
// release name.
func CRName(hubName string) (string, error) {
	return desired.CRName(hubName, maxReleaseName, "the extension name", "a Helm release")
}

func decode(obj protocol.DesiredObject) (protocol.ExtensionSpec, error) {
	var spec protocol.ExtensionSpec
	if err := json.Unmarshal(obj.Spec, &spec); err != nil {
		return spec, &desired.InvalidError{Message: "the extension's spec is not valid JSON: " + err.Error()}
	}
	var missing []string
	for field, v := range map[string]string{"extensionType": spec.ExtensionType, "version": spec.Version,
		"chart.repository": spec.Chart.Repository, "chart.name": spec.Chart.Name, "chart.version": spec.Chart.Version} {
		if v == "" {
			missing = append(missing, field)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return spec, &desired.InvalidError{Message: "the extension's spec lacks " + strings.Join(missing, ", ")}
	}
	if spec.Scope != "" && spec.Scope != protocol.ScopeCluster && spec.Scope != protocol.ScopeNamespace {
		return spec, &desired.InvalidError{Message: fmt.Sprintf("the extension's scope %q is neither cluster nor namespace", spec.Scope)}
	}
	return spec, nil
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

// secretData is protected settings as Secret data.
func secretData(settings map[string]string) map[string][]byte {
	data := make(map[string][]byte, len(settings))
	for k, v := range settings {
		data[k] = []byte(v)
	}
	return data
}

// Reject marks the existing CR, if any, with HubSynced=False.
func (e *Desired) Reject(ctx context.Context, name string, invalid *desired.InvalidError) error {
	return e.Target.Reject(ctx, &arcv1alpha1.Extension{}, name, invalid)
}

// InvalidStatus is a Failed extension status with the reason.
func (e *Desired) InvalidStatus(invalid *desired.InvalidError) json.RawMessage {
	return desired.FailedStatus(protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningFailed, Message: invalid.Message})
}

// Prune deletes the hub-owned Extensions the hub no longer has; their finalizer uninstalls
// the releases. The protected-settings Secret goes at once, not waiting for the garbage
// collector.
func (e *Desired) Prune(ctx context.Context, keep map[string]bool) error {
	return e.Target.Prune(ctx, &arcv1alpha1.ExtensionList{}, keep, func(cr client.Object) error {
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: e.Namespace, Name: cr.GetName() + desired.ProtectedSettingsSuffix}}
		if err := e.Client.Delete(ctx, secret); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("deleting the protected settings of Extension %s: %w", cr.GetName(), err)
		}
		return nil
	})
}
