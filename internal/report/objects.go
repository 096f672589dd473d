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

package report

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Namespaced is the Source of the CRs of one kind in one namespace (the agent's): a kind
// gives the mapping of a CR to its status payload, the rest is the same for every kind.
type Namespaced[T client.Object] struct {
	// ProtocolKind is the kind on the hub, e.g. protocol.KindExtension.
	ProtocolKind string
	Namespace    string
	// NewList returns an empty list of the kind.
	NewList func() client.ObjectList
	// StatusOf is the payload for a CR; DeletedOf the one sent once it is gone.
	StatusOf  func(T) any
	DeletedOf func(T) any
}

var _ Source = Namespaced[*arcv1alpha1.Extension]{}

// Kind returns the protocol kind.
func (n Namespaced[T]) Kind() string { return n.ProtocolKind }

// Object returns an empty CR of the kind.
func (n Namespaced[T]) Object() client.Object {
	return reflect.New(reflect.TypeFor[T]().Elem()).Interface().(T)
}

// List returns the CRs in the namespace.
func (n Namespaced[T]) List(ctx context.Context, r client.Reader) ([]client.Object, error) {
	list := n.NewList()
	if err := r.List(ctx, list, client.InNamespace(n.Namespace)); err != nil {
		return nil, err
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, fmt.Errorf("reading the list: %w", err)
	}
	out := make([]client.Object, 0, len(items))
	for _, item := range items {
		if obj, ok := item.(client.Object); ok {
			out = append(out, obj)
		}
	}
	return out, nil
}

// Status is the status of obj for the hub.
func (n Namespaced[T]) Status(obj client.Object) (protocol.ObjectStatus, bool) {
	return n.wrap(obj, n.StatusOf)
}

// Deleted is the status sent once obj is gone.
func (n Namespaced[T]) Deleted(obj client.Object) (protocol.ObjectStatus, bool) {
	return n.wrap(obj, n.DeletedOf)
}

func (n Namespaced[T]) wrap(obj client.Object, payload func(T) any) (protocol.ObjectStatus, bool) {
	cr, ok := obj.(T)
	if !ok || cr.GetNamespace() != n.Namespace {
		return protocol.ObjectStatus{}, false
	}
	return objectStatus(n.ProtocolKind, cr, payload(cr)), true
}

// HubOwned reports whether the hub manages obj.
func HubOwned(obj client.Object) bool {
	return obj.GetLabels()[arcv1alpha1.ManagedByLabel] == arcv1alpha1.ManagedByHub
}

// objectStatus wraps a kind's status payload for the hub: under the hub's object name and
// the desired version the CR was written from, or, for a CR applied in the cluster, under
// its own name with no version (cluster-owned).
func objectStatus(kind string, obj client.Object, status any) protocol.ObjectStatus {
	raw, _ := json.Marshal(status)
	out := protocol.ObjectStatus{Kind: kind, Name: obj.GetName(), Status: raw}
	if HubOwned(obj) {
		out.ObservedResourceVersion = obj.GetAnnotations()[arcv1alpha1.HubResourceVersionAnnotation]
		if n := obj.GetAnnotations()[arcv1alpha1.HubNameAnnotation]; n != "" {
			out.Name = n
		}
	}
	return out
}

// Conditions are a CR's conditions as the hub shows them. A Reconciling condition that only
// repeats Ready's failure ("Retrying: …") is left out, so a failure is reported once.
func Conditions(in []metav1.Condition) []protocol.Condition {
	retrying := reconcile.RetriesFailureIn(in)
	out := make([]protocol.Condition, 0, len(in))
	for _, c := range in {
		if retrying && c.Type == arcv1alpha1.ReconcilingCondition {
			continue
		}
		out = append(out, protocol.Condition{Type: c.Type, Status: string(c.Status), Reason: c.Reason,
			Message: c.Message, LastTransitionTime: c.LastTransitionTime.UTC().Format(time.RFC3339)})
	}
	return out
}
