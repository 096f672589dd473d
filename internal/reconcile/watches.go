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
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// NewBuilder starts the controller of obj's kind: it reconciles an object when its spec
// changes (a new generation), and the objects onSecret maps a Secret of namespace (the
// agent's, the only one whose Secrets it may read) to when that Secret changes.
func NewBuilder(mgr ctrl.Manager, obj client.Object, namespace string, onSecret handler.MapFunc) *builder.Builder {
	inNamespace := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetNamespace() == namespace })
	return ctrl.NewControllerManagedBy(mgr).
		For(obj, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(onSecret), builder.WithPredicates(inNamespace))
}

// SecretUsers maps a Secret to the objects of its namespace whose reference ref names it.
// newList returns an empty list of the kind.
func SecretUsers[T client.Object](c client.Reader, newList func() client.ObjectList, ref func(T) *arcv1alpha1.SecretReference) handler.MapFunc {
	return func(ctx context.Context, secret client.Object) []ctrl.Request {
		list := newList()
		if err := c.List(ctx, list, client.InNamespace(secret.GetNamespace())); err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "Listing the objects that use a Secret", "secret", secret.GetName())
			return nil
		}
		items, _ := meta.ExtractList(list)
		var out []ctrl.Request
		for _, item := range items {
			if obj, ok := item.(T); ok {
				if r := ref(obj); r != nil && r.Name == secret.GetName() {
					out = append(out, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(obj)})
				}
			}
		}
		return out
	}
}
