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

package desired

import (
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// hubCR is a CR the hub's desired state is written into: an object with status conditions.
type hubCR interface {
	client.Object
	GetConditions() []metav1.Condition
	SetConditions([]metav1.Condition)
}

// markHubOwned labels obj as managed by the hub and records the hub object it mirrors.
func markHubOwned(obj metav1.Object, desired protocol.DesiredObject) {
	labels := obj.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels[arcv1alpha1.ManagedByLabel] = arcv1alpha1.ManagedByHub
	obj.SetLabels(labels)
	annotations := obj.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[arcv1alpha1.HubResourceVersionAnnotation] = desired.ResourceVersion
	annotations[arcv1alpha1.HubNameAnnotation] = desired.Name
	obj.SetAnnotations(annotations)
}

// writeProtectedSecret keeps protected settings in the Secret <cr>-protected-settings owned by
// cr, or removes it when there are none. Protected values live nowhere else in the cluster.
func writeProtectedSecret(ctx context.Context, c client.Client, cr client.Object, data map[string][]byte) error {
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: cr.GetNamespace(), Name: cr.GetName() + ProtectedSettingsSuffix}}
	if len(data) == 0 {
		return client.IgnoreNotFound(c.Delete(ctx, secret))
	}
	_, err := controllerutil.CreateOrUpdate(ctx, c, secret, func() error {
		secret.Labels = map[string]string{arcv1alpha1.ManagedByLabel: arcv1alpha1.ManagedByHub}
		secret.Type = corev1.SecretTypeOpaque
		secret.Data = data
		return controllerutil.SetControllerReference(cr, secret, c.Scheme())
	})
	if err != nil {
		return fmt.Errorf("writing the protected settings Secret of %s: %w", cr.GetName(), err)
	}
	return nil
}

// clearRejection removes a HubSynced=False left by an earlier object the agent could not use.
func clearRejection(ctx context.Context, c client.Client, cr hubCR) error {
	conditions := cr.GetConditions()
	if meta.FindStatusCondition(conditions, arcv1alpha1.HubSyncedCondition) == nil {
		return nil
	}
	patch := client.MergeFrom(cr.DeepCopyObject().(client.Object))
	meta.RemoveStatusCondition(&conditions, arcv1alpha1.HubSyncedCondition)
	cr.SetConditions(conditions)
	return client.IgnoreNotFound(c.Status().Patch(ctx, cr, patch))
}

// reject marks the existing CR for the hub's object name, if any, with HubSynced=False; the
// last good spec stays. cr is an empty object of the kind, filled by the lookup.
func reject(ctx context.Context, c client.Client, cr hubCR, namespace, name string, invalid *InvalidError) error {
	crName := strings.ToLower(name)
	if len(validation.IsDNS1123Label(crName)) > 0 {
		return nil // no CR can have this name
	}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: crName}, cr); err != nil {
		return client.IgnoreNotFound(err)
	}
	patch := client.MergeFrom(cr.DeepCopyObject().(client.Object))
	conditions := cr.GetConditions()
	meta.SetStatusCondition(&conditions, metav1.Condition{Type: arcv1alpha1.HubSyncedCondition,
		Status: metav1.ConditionFalse, Reason: arcv1alpha1.DesiredStateInvalidReason, ObservedGeneration: cr.GetGeneration(),
		Message: "The hub's latest version was not applied, the last good one stays: " + invalid.Message})
	cr.SetConditions(conditions)
	return client.IgnoreNotFound(c.Status().Patch(ctx, cr, patch))
}

// pruneHubOwned deletes the hub-owned CRs of list's kind in namespace whose hub name is not
// in keep, then calls after (when set) for each one deleted.
func pruneHubOwned(ctx context.Context, c client.Client, list client.ObjectList, namespace string,
	keep map[string]bool, after func(client.Object) error) error {
	if err := c.List(ctx, list, client.InNamespace(namespace),
		client.MatchingLabels{arcv1alpha1.ManagedByLabel: arcv1alpha1.ManagedByHub}); err != nil {
		return fmt.Errorf("listing hub-owned objects: %w", err)
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return err
	}
	var errs []error
	for _, item := range items {
		cr, ok := item.(client.Object)
		if !ok || keep[HubName(cr)] || !cr.GetDeletionTimestamp().IsZero() {
			continue
		}
		if err := c.Delete(ctx, cr); client.IgnoreNotFound(err) != nil {
			errs = append(errs, fmt.Errorf("deleting %s: %w", cr.GetName(), err))
			continue
		}
		if after != nil {
			if err := after(cr); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
