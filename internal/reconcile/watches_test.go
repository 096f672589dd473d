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

package reconcile

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

func TestSecretUsersAreTheObjectsOfItsNamespaceThatNameIt(t *testing.T) {
	extension := func(namespace, name, secret string) client.Object {
		ext := &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
		if secret != "" {
			ext.Spec.ProtectedSettingsSecretRef = &arcv1alpha1.SecretReference{Name: secret}
		}
		return ext
	}
	scheme := runtime.NewScheme()
	_ = arcv1alpha1.AddToScheme(scheme)
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(extension("a", "user", "s"), extension("a", "other", "t"),
		extension("a", "none", ""), extension("b", "elsewhere", "s")).Build()
	users := SecretUsers(c, func() client.ObjectList { return &arcv1alpha1.ExtensionList{} },
		func(e *arcv1alpha1.Extension) *arcv1alpha1.SecretReference { return e.Spec.ProtectedSettingsSecretRef })

	got := users(t.Context(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "s"}})
	if len(got) != 1 || got[0].Namespace != "a" || got[0].Name != "user" {
		t.Errorf("requests = %v, want a/user only", got)
	}
}
