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
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// Applier writes a configuration's Flux objects to the cluster and reads them back.
type Applier struct {
	// Client reads Flux objects (cached is fine) and writes every object. Secrets outside
	// the agent's namespace are only written, never read.
	Client client.Client
}

// Apply creates the Flux namespace when missing and server-side applies objs.
func (s *Applier) Apply(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration, objs *Objects) error {
	if err := s.ensureNamespace(ctx, Namespace(cfg)); err != nil {
		return err
	}
	if objs.AuthSecret != nil {
		if err := s.apply(ctx, objs.AuthSecret); err != nil {
			return err
		}
	}
	if err := s.apply(ctx, objs.GitRepository); err != nil {
		return err
	}
	for _, k := range objs.Kustomizations {
		if err := s.apply(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

func (s *Applier) ensureNamespace(ctx context.Context, name string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if err := s.Client.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s for the Flux objects: %w", name, err)
	}
	return nil
}

// apply server-side applies a typed object (with TypeMeta set) as the agent's field manager.
func (s *Applier) apply(ctx context.Context, obj client.Object) error {
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return fmt.Errorf("converting %T %s: %w", obj, obj.GetName(), err)
	}
	u := &unstructured.Unstructured{Object: content}
	delete(u.Object, "status")
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	err = s.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(u),
		client.FieldOwner(FieldOwner), client.ForceOwnership)
	if err != nil {
		// The error names the object, never the Secret's data.
		return fmt.Errorf("applying %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
	}
	return nil
}
