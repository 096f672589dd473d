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
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Object is a custom resource with status conditions.
type Object interface {
	client.Object
	GetConditions() []metav1.Condition
	SetConditions([]metav1.Condition)
}

// Patcher writes one writer's status changes to an object. Conditions are the hard part: the
// CRDs list them as a map keyed by type, but a JSON merge patch replaces the whole list, so a
// writer that patched its own list would erase what another writer added in between. The
// Patcher therefore applies only the changes to the conditions its writer owns onto the
// latest list on the server, under the object's resourceVersion, and tries again on a
// conflict. Every other status field is merge-patched as it changed.
type Patcher struct {
	client client.Client
	owned  []string
	before Object
}

// NewPatcher starts recording the status changes of obj, whose writer owns the condition
// types owned. Changes to conditions it does not own are not written.
func NewPatcher(c client.Client, obj Object, owned ...string) *Patcher {
	return &Patcher{client: c, owned: owned, before: obj.DeepCopyObject().(Object)}
}

// Patch writes the status changes made to obj since NewPatcher or the last Patch, and
// updates obj to what the server then holds. An object that is gone has nothing to patch.
func (p *Patcher) Patch(ctx context.Context, obj Object) error {
	fields, err := statusFieldChanges(p.before, obj)
	if err != nil {
		return err
	}
	changed := p.ownedChanges(obj)
	if len(fields) == 0 && len(changed) == 0 {
		return nil
	}
	if len(changed) == 0 {
		err = p.send(ctx, obj, map[string]any{"status": fields})
	} else {
		err = retry.RetryOnConflict(retry.DefaultBackoff, func() error { return p.patchWithConditions(ctx, obj, fields, changed) })
	}
	if err != nil {
		return client.IgnoreNotFound(err)
	}
	p.before = obj.DeepCopyObject().(Object)
	return nil
}

// patchWithConditions merges the owned changes into the latest conditions and sends them
// with the other status fields, guarded by the latest resourceVersion.
func (p *Patcher) patchWithConditions(ctx context.Context, obj Object, fields map[string]any, changed map[string]*metav1.Condition) error {
	latest := obj.DeepCopyObject().(Object)
	if err := p.client.Get(ctx, client.ObjectKeyFromObject(obj), latest); err != nil {
		return err
	}
	status := map[string]any{"conditions": mergeConditions(latest.GetConditions(), changed)}
	for k, v := range fields {
		status[k] = v
	}
	return p.send(ctx, obj, map[string]any{
		"metadata": map[string]any{"resourceVersion": latest.GetResourceVersion()},
		"status":   status,
	})
}

func (p *Patcher) send(ctx context.Context, obj Object, body map[string]any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encoding the status patch: %w", err)
	}
	return p.client.Status().Patch(ctx, obj, client.RawPatch(types.MergePatchType, raw))
}

// ownedChanges returns the owned conditions that obj changed, by type; nil means removed.
func (p *Patcher) ownedChanges(obj Object) map[string]*metav1.Condition {
	out := map[string]*metav1.Condition{}
	for _, t := range p.owned {
		was := meta.FindStatusCondition(p.before.GetConditions(), t)
		now := meta.FindStatusCondition(obj.GetConditions(), t)
		if !reflect.DeepEqual(was, now) {
			out[t] = now
		}
	}
	return out
}

// mergeConditions applies changed onto latest, keeping every other condition as it is.
func mergeConditions(latest []metav1.Condition, changed map[string]*metav1.Condition) []metav1.Condition {
	out := slices.Clone(latest)
	for t, c := range changed {
		if c == nil {
			meta.RemoveStatusCondition(&out, t)
			continue
		}
		if i := slices.IndexFunc(out, func(x metav1.Condition) bool { return x.Type == t }); i >= 0 {
			out[i] = *c
		} else {
			out = append(out, *c)
		}
	}
	if out == nil {
		out = []metav1.Condition{} // an empty list, not null: the patch must clear the list
	}
	return out
}

// statusFieldChanges is the merge patch of the status fields other than conditions.
func statusFieldChanges(before, after Object) (map[string]any, error) {
	b, err := statusWithoutConditions(before)
	if err != nil {
		return nil, err
	}
	a, err := statusWithoutConditions(after)
	if err != nil {
		return nil, err
	}
	raw, err := client.MergeFrom(&unstructured.Unstructured{Object: b}).Data(&unstructured.Unstructured{Object: a})
	if err != nil {
		return nil, fmt.Errorf("computing the status patch: %w", err)
	}
	var patch map[string]any
	if err := json.Unmarshal(raw, &patch); err != nil {
		return nil, err
	}
	fields, _ := patch["status"].(map[string]any)
	return fields, nil
}

func statusWithoutConditions(obj Object) (map[string]any, error) {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("reading the status: %w", err)
	}
	status, _ := u["status"].(map[string]any)
	delete(status, "conditions")
	return map[string]any{"status": status}, nil
}
