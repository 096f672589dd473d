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

	apierrors "k8s.io/apimachinery/pkg/api/errors"
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
// Patcher therefore applies only the changes to the conditions its writer owns onto the list
// the object held, under its resourceVersion. On a conflict it reads the latest object from
// the API server itself and tries again: a cache may lag behind the writer's own writes, and
// a guard built from it would conflict again. Every other status field is merge-patched as it
// changed.
type Patcher struct {
	client client.Client
	server client.Reader
	owned  []string
	before Object
}

// NewPatcher starts recording the status changes of obj, whose writer owns the condition
// types owned. c writes the patches; server reads the latest object after a conflict and
// must not be a cache (a manager's GetAPIReader). Changes to conditions the writer does not
// own are not written.
func NewPatcher(c client.Client, server client.Reader, obj Object, owned ...string) *Patcher {
	return &Patcher{client: c, server: server, owned: owned, before: obj.DeepCopyObject().(Object)}
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
		err = p.patchWithConditions(ctx, obj, fields, changed)
	}
	if err != nil {
		return client.IgnoreNotFound(err)
	}
	p.before = obj.DeepCopyObject().(Object)
	return nil
}

// patchWithConditions sends the owned changes and the other status fields, first onto the
// conditions obj was read with, then, after a conflict, onto the server's latest.
func (p *Patcher) patchWithConditions(ctx context.Context, obj Object, fields map[string]any, changed []change) error {
	err := p.sendOnto(ctx, obj, p.readAs(obj), fields, changed)
	if !apierrors.IsConflict(err) {
		return err
	}
	return retry.RetryOnConflict(retry.DefaultBackoff, func() error {
		latest := reflect.New(reflect.TypeOf(obj).Elem()).Interface().(Object)
		if err := p.server.Get(ctx, client.ObjectKeyFromObject(obj), latest); err != nil {
			return err
		}
		return p.sendOnto(ctx, obj, latest, fields, changed)
	})
}

// readAs is the object as the server held it at obj's resourceVersion: the copy NewPatcher
// took, unless a write since (such as adding a finalizer) brought obj a newer version from the
// server.
func (p *Patcher) readAs(obj Object) Object {
	if obj.GetResourceVersion() == p.before.GetResourceVersion() {
		return p.before
	}
	return obj
}

// sendOnto merges the owned changes into base's conditions and sends them with the other
// status fields, guarded by base's resourceVersion.
func (p *Patcher) sendOnto(ctx context.Context, obj, base Object, fields map[string]any, changed []change) error {
	status := map[string]any{"conditions": mergeConditions(base.GetConditions(), changed)}
	for k, v := range fields {
		status[k] = v
	}
	return p.send(ctx, obj, map[string]any{
		"metadata": map[string]any{"resourceVersion": base.GetResourceVersion()},
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

// change is an owned condition the writer changed: its new value, nil when it was removed.
type change struct {
	typ string
	now *metav1.Condition
}

// ownedChanges returns the owned conditions that obj changed, in the order of the owned list,
// so that new conditions are added in a stable order.
func (p *Patcher) ownedChanges(obj Object) []change {
	var out []change
	for _, t := range p.owned {
		was := meta.FindStatusCondition(p.before.GetConditions(), t)
		now := meta.FindStatusCondition(obj.GetConditions(), t)
		if !reflect.DeepEqual(was, now) {
			out = append(out, change{typ: t, now: now})
		}
	}
	return out
}

// mergeConditions applies changed onto latest, keeping every other condition as it is.
func mergeConditions(latest []metav1.Condition, changed []change) []metav1.Condition {
	out := slices.Clone(latest)
	for _, c := range changed {
		if c.now == nil {
			meta.RemoveStatusCondition(&out, c.typ)
			continue
		}
		if i := slices.IndexFunc(out, func(x metav1.Condition) bool { return x.Type == c.typ }); i >= 0 {
			out[i] = *c.now
		} else {
			out = append(out, *c.now)
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
