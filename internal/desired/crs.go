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
	"crypto"
	"encoding/json"
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
	"github.com/kubearc/kubearc/internal/reconcile"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/seal"
)

// ProtectedSettingsSuffix ends the name of the Secret that holds a hub-owned CR's protected
// settings, beside the CR.
const ProtectedSettingsSuffix = "-protected-settings"

// Target is where a kind writes its CRs: the agent's namespace, with the agent key that opens
// the protected settings.
type Target struct {
	Client client.Client
	// APIReader reads the API server itself, not a cache: the status patches' retry after a
	// conflict.
	APIReader client.Reader
	// Namespace is the agent's namespace, where the CRs and their Secrets live.
	Namespace string
	// Key returns the agent's private key, which opens the protected settings.
	Key func(ctx context.Context) (crypto.Signer, error)
}

// Open decrypts sealed protected settings with the agent key: a JSON object of strings whose
// keys can be Secret keys. Errors never quote the settings.
func (t Target) Open(ctx context.Context, token string) (map[string]string, error) {
	if token == "" {
		return nil, nil
	}
	key, err := t.Key(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the agent key: %w", err)
	}
	plain, err := seal.OpenAgent(key, token)
	if err != nil {
		return nil, &InvalidError{Message: "the protected settings cannot be decrypted with this cluster's agent key; set them again on the hub (the cluster may have been reconnected with a new key)"}
	}
	var settings map[string]string
	if err := json.Unmarshal(plain, &settings); err != nil {
		return nil, &InvalidError{Message: "the protected settings are not a JSON object of strings"}
	}
	for k := range settings {
		if errs := validation.IsConfigMapKey(k); len(errs) > 0 {
			return nil, &InvalidError{Message: fmt.Sprintf("the protected setting key %q cannot be stored in a Secret: use letters, digits, '-', '_' and '.'", k)}
		}
	}
	return settings, nil
}

// Write creates or updates the hub-owned cr for the desired object obj, setSpec filling in its
// spec, keeps its protected settings in the Secret <name>-protected-settings the CR owns (none:
// no Secret), and clears a rejection of an earlier object.
func (t Target) Write(ctx context.Context, cr reconcile.Object, obj protocol.DesiredObject, protected map[string][]byte, setSpec func()) error {
	_, err := controllerutil.CreateOrUpdate(ctx, t.Client, cr, func() error {
		markHubOwned(cr, obj)
		setSpec()
		return nil
	})
	if err != nil {
		return fmt.Errorf("writing %s/%s: %w", t.Namespace, cr.GetName(), err)
	}
	if err := writeProtectedSecret(ctx, t.Client, cr, protected); err != nil {
		return err
	}
	return t.clearRejection(ctx, cr)
}

// Reject marks the existing CR for the hub's object name, if any, with HubSynced=False; the
// last good spec stays. cr is an empty object of the kind, filled by the lookup.
func (t Target) Reject(ctx context.Context, cr reconcile.Object, name string, invalid *InvalidError) error {
	crName := strings.ToLower(name)
	if len(validation.IsDNS1123Label(crName)) > 0 {
		return nil // no CR can have this name
	}
	if err := t.Client.Get(ctx, client.ObjectKey{Namespace: t.Namespace, Name: crName}, cr); err != nil {
		return client.IgnoreNotFound(err)
	}
	patcher := reconcile.NewPatcher(t.Client, t.APIReader, cr, arcv1alpha1.HubSyncedCondition)
	reconcile.Set(cr, arcv1alpha1.HubSyncedCondition, metav1.ConditionFalse, arcv1alpha1.DesiredStateInvalidReason,
		"The hub's latest version was not applied, the last good one stays: "+invalid.Message)
	return patcher.Patch(ctx, cr)
}

// Prune deletes the hub-owned CRs of list's kind whose hub name is not in keep, then calls
// after (when set) for each one deleted.
func (t Target) Prune(ctx context.Context, list client.ObjectList, keep map[string]bool, after func(client.Object) error) error {
	if err := t.Client.List(ctx, list, client.InNamespace(t.Namespace),
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
		if err := t.Client.Delete(ctx, cr); client.IgnoreNotFound(err) != nil {
			errs = append(errs, fmt.Errorf("deleting %s: %w", cr.GetName(), err))
			continue
		}
		if after != nil {
			errs = append(errs, after(cr))
		}
	}
	return errors.Join(errs...)
}

// CRName is the name of the CR for the hub's object name: lower case, a DNS label of at most
// maxLength characters. what names the object in the error, e.g. "the extension name".
func CRName(hubName string, maxLength int, what, usedFor string) (string, error) {
	name := strings.ToLower(hubName)
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 || len(name) > maxLength {
		return "", &InvalidError{Message: fmt.Sprintf(
			"%s %q cannot name %s in the cluster: use at most %d letters, digits and '-', starting and ending with a letter or digit",
			what, hubName, usedFor, maxLength)}
	}
	return name, nil
}

// HubName is the hub's name of a hub-owned CR.
func HubName(obj metav1.Object) string {
	if n := obj.GetAnnotations()[arcv1alpha1.HubNameAnnotation]; n != "" {
		return n
	}
	return obj.GetName()
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
// It patches HubSynced alone, so the reconciler's conditions stay.
func (t Target) clearRejection(ctx context.Context, cr reconcile.Object) error {
	if reconcile.Get(cr, arcv1alpha1.HubSyncedCondition) == nil {
		return nil
	}
	patcher := reconcile.NewPatcher(t.Client, t.APIReader, cr, arcv1alpha1.HubSyncedCondition)
	reconcile.Remove(cr, arcv1alpha1.HubSyncedCondition)
	return patcher.Patch(ctx, cr)
}
