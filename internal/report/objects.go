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

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// listIn lists the objects of list's kind in namespace.
func listIn(ctx context.Context, r client.Reader, list client.ObjectList, namespace string) ([]client.Object, error) {
	if err := r.List(ctx, list, client.InNamespace(namespace)); err != nil {
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

// hubOwned reports whether the hub manages obj.
func hubOwned(obj client.Object) bool {
	return obj.GetLabels()[arcv1alpha1.ManagedByLabel] == arcv1alpha1.ManagedByHub
}

// objectStatus wraps a kind's status payload for the hub: under the hub's object name and
// the desired version the CR was written from, or, for a CR applied in the cluster, under
// its own name with no version (cluster-owned).
func objectStatus(kind string, obj client.Object, status any) protocol.ObjectStatus {
	raw, _ := json.Marshal(status)
	out := protocol.ObjectStatus{Kind: kind, Name: obj.GetName(), Status: raw}
	if hubOwned(obj) {
		out.ObservedResourceVersion = obj.GetAnnotations()[arcv1alpha1.HubResourceVersionAnnotation]
		if n := obj.GetAnnotations()[arcv1alpha1.HubNameAnnotation]; n != "" {
			out.Name = n
		}
	}
	return out
}
