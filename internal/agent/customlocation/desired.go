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

package customlocation

import (
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/report"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxCRName is the longest CustomLocation name: a label value on its namespace and
// RoleBindings.
const maxCRName = 63

// Desired is the desired.Kind of protocol.KindCustomLocation: one CustomLocation CR per
// desired object, in target's namespace. The locations the hub no longer has are deleted;
// their finalizer removes the RoleBindings.
func Desired(target desired.Target) desired.Kind {
	return &desired.Namespaced[protocol.CustomLocationSpec, arcv1alpha1.CustomLocationSpec, *arcv1alpha1.CustomLocation]{
		Target: target, ProtocolKind: protocol.KindCustomLocation, Noun: "custom location", MaxName: maxCRName,
		NameUse:   "a label value on its namespace",
		NewList:   func() client.ObjectList { return &arcv1alpha1.CustomLocationList{} },
		Check:     check(target.Namespace),
		Protected: func(protocol.CustomLocationSpec) string { return "" },
		CRSpec:    CRSpec,
		SetSpec:   func(cr *arcv1alpha1.CustomLocation, spec arcv1alpha1.CustomLocationSpec) { cr.Spec = spec },
		FailedStatus: func(message string) any {
			return protocol.CustomLocationStatus{ProvisioningState: protocol.ProvisioningFailed, ErrorMessage: message}
		},
	}
}

// Source reports the CustomLocation CRs in namespace (the agent's) to the hub.
func Source(namespace string) report.Source {
	return report.Namespaced[*arcv1alpha1.CustomLocation]{ProtocolKind: protocol.KindCustomLocation, Namespace: namespace,
		NewList:   func() client.ObjectList { return &arcv1alpha1.CustomLocationList{} },
		StatusOf:  func(cl *arcv1alpha1.CustomLocation) any { return HubStatus(cl) },
		DeletedOf: deletedStatus,
	}
}
