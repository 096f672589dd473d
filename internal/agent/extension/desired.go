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
	"errors"
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxReleaseName is Helm's limit on release names, which are the CR names.
const maxReleaseName = 53

// Desired is the desired.Kind of protocol.KindExtension: one Extension CR per desired object,
// in target's namespace, with its protected settings decrypted into a Secret the CR owns.
// The Extensions the hub no longer has are deleted, their finalizer uninstalls the releases;
// their Secrets go at once, not waiting for the garbage collector.
func Desired(target desired.Target) desired.Kind {
	return &desired.Namespaced[protocol.ExtensionSpec, arcv1alpha1.ExtensionSpec, *arcv1alpha1.Extension]{
		Target: target, ProtocolKind: protocol.KindExtension, Noun: "extension", MaxName: maxReleaseName, NameUse: "a Helm release",
		NewList:   func() client.ObjectList { return &arcv1alpha1.ExtensionList{} },
		Check:     check,
		Protected: func(s protocol.ExtensionSpec) string { return s.ProtectedSettings },
		CRSpec:    crSpec,
		SetSpec:   func(cr *arcv1alpha1.Extension, spec arcv1alpha1.ExtensionSpec) { cr.Spec = spec },
		FailedStatus: func(message string) any {
			return protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningFailed, Message: message}
		},
		PruneSecret: true,
	}
}

// check says which fields the hub's spec lacks, or that its scope is unknown.
func check(spec protocol.ExtensionSpec) error {
	var missing []string
	for field, v := range map[string]string{"extensionType": spec.ExtensionType, "version": spec.Version,
		"chart.repository": spec.Chart.Repository, "chart.name": spec.Chart.Name, "chart.version": spec.Chart.Version} {
		if v == "" {
			missing = append(missing, field)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return errors.New("the extension's spec lacks " + strings.Join(missing, ", "))
	}
	if spec.Scope != "" && spec.Scope != protocol.ScopeCluster && spec.Scope != protocol.ScopeNamespace {
		return fmt.Errorf("the extension's scope %q is neither cluster nor namespace", spec.Scope)
	}
	return nil
}

// crSpec maps the hub's spec to the CR's; secretName names the protected-settings Secret,
// empty when there is none.
func crSpec(s protocol.ExtensionSpec, secretName string) (arcv1alpha1.ExtensionSpec, error) {
	scope := arcv1alpha1.ExtensionScope(s.Scope)
	if scope == "" {
		scope = arcv1alpha1.ExtensionScopeCluster
	}
	out := arcv1alpha1.ExtensionSpec{
		ExtensionType: s.ExtensionType, ReleaseTrain: s.ReleaseTrain, Version: s.Version,
		AutoUpgradeMinorVersion: s.AutoUpgradeMinorVersion,
		Chart:                   arcv1alpha1.ChartReference{Repository: s.Chart.Repository, Name: s.Chart.Name, Version: s.Chart.Version},
		Scope:                   scope, Namespace: s.Namespace, ConfigurationSettings: s.ConfigurationSettings,
	}
	if secretName != "" {
		out.ProtectedSettingsSecretRef = &arcv1alpha1.SecretReference{Name: secretName}
	}
	return out, nil
}
