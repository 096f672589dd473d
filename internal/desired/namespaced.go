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
	"encoding/json"
	"fmt"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Namespaced is the Kind of one CR kind in the agent's namespace: one hub-owned CR T per
// desired object, named after it, with the object's decrypted protected settings in a Secret
// the CR owns (<name>-protected-settings). A kind gives the mapping of the hub's spec S to
// its CR spec C; the rest is the same for every kind.
type Namespaced[S, C any, T reconcile.Object] struct {
	Target
	// ProtocolKind is the kind on the hub, e.g. protocol.KindExtension.
	ProtocolKind string
	// Noun names an object of the kind in messages, e.g. "extension".
	Noun string
	// MaxName is the longest CR name; NameUse says what else the name must be valid as,
	// e.g. "a Helm release".
	MaxName int
	NameUse string
	// NewList returns an empty list of the kind.
	NewList func() client.ObjectList
	// Check, when set, validates the hub's spec before its protected settings are opened.
	Check func(S) error
	// Protected returns the hub's sealed protected settings, empty when there are none.
	Protected func(S) string
	// SecretData, when set, turns the decrypted protected settings into the Secret's data;
	// by default the values are kept as they are.
	SecretData func(map[string]string) (map[string][]byte, error)
	// CRSpec maps the hub's spec to the CR's; secretName names the protected-settings Secret,
	// empty when there is none.
	CRSpec func(spec S, secretName string) (C, error)
	// SetSpec sets the spec of the CR.
	SetSpec func(cr T, spec C)
	// FailedStatus is the status payload that tells the hub why an object cannot be used.
	FailedStatus func(message string) any
	// PruneSecret deletes the protected-settings Secret of a pruned CR at once, rather than
	// after the CR's finalizer, through the garbage collector.
	PruneSecret bool
}

var _ Kind = (*Namespaced[protocol.ExtensionSpec, arcv1alpha1.ExtensionSpec, *arcv1alpha1.Extension])(nil)

// Kind returns the protocol kind.
func (n *Namespaced[S, C, T]) Kind() string { return n.ProtocolKind }

// Apply creates or updates the CR of obj and its protected-settings Secret. Errors of Check,
// SecretData and CRSpec say the object cannot be used: they are *InvalidErrors.
func (n *Namespaced[S, C, T]) Apply(ctx context.Context, obj protocol.DesiredObject) error {
	name, err := CRName(obj.Name, n.MaxName, "the "+n.Noun+" name", n.NameUse)
	if err != nil {
		return err
	}
	spec, err := n.decode(obj)
	if err != nil {
		return err
	}
	data, err := n.open(ctx, n.Protected(spec))
	if err != nil {
		return err
	}
	secretName := ""
	if len(data) > 0 {
		secretName = name + ProtectedSettingsSuffix
	}
	crSpec, err := n.CRSpec(spec, secretName)
	if err != nil {
		return &InvalidError{Message: err.Error()}
	}
	cr := newObject[T]()
	cr.SetNamespace(n.Namespace)
	cr.SetName(name)
	return n.Write(ctx, cr, obj, data, func() { n.SetSpec(cr, crSpec) })
}

// decode reads and checks the hub's spec.
func (n *Namespaced[S, C, T]) decode(obj protocol.DesiredObject) (S, error) {
	var spec S
	if err := json.Unmarshal(obj.Spec, &spec); err != nil {
		return spec, &InvalidError{Message: "the " + n.Noun + "'s spec is not valid JSON: " + err.Error()}
	}
	if n.Check != nil {
		if err := n.Check(spec); err != nil {
			return spec, &InvalidError{Message: err.Error()}
		}
	}
	return spec, nil
}

// open decrypts the protected settings into the Secret's data.
func (n *Namespaced[S, C, T]) open(ctx context.Context, token string) (map[string][]byte, error) {
	settings, err := n.Open(ctx, token)
	if err != nil {
		return nil, err
	}
	if n.SecretData == nil {
		return plainSecretData(settings), nil
	}
	data, err := n.SecretData(settings)
	if err != nil {
		return nil, &InvalidError{Message: err.Error()}
	}
	return data, nil
}

// Reject marks the existing CR, if any, with HubSynced=False; the last good spec stays.
func (n *Namespaced[S, C, T]) Reject(ctx context.Context, name string, invalid *InvalidError) error {
	return n.Target.Reject(ctx, newObject[T](), name, invalid)
}

// InvalidStatus is the FailedStatus payload with the reason.
func (n *Namespaced[S, C, T]) InvalidStatus(invalid *InvalidError) json.RawMessage {
	raw, _ := json.Marshal(n.FailedStatus(invalid.Message))
	return raw
}

// Prune deletes the hub-owned CRs the hub no longer has; their finalizers clean up after
// them.
func (n *Namespaced[S, C, T]) Prune(ctx context.Context, keep map[string]bool) error {
	var after func(client.Object) error
	if n.PruneSecret {
		after = func(cr client.Object) error { return n.deleteSecret(ctx, cr) }
	}
	return n.Target.Prune(ctx, n.NewList(), keep, after)
}

// deleteSecret deletes the protected-settings Secret of cr.
func (n *Namespaced[S, C, T]) deleteSecret(ctx context.Context, cr client.Object) error {
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: n.Namespace, Name: cr.GetName() + ProtectedSettingsSuffix}}
	if err := n.Client.Delete(ctx, secret); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("deleting the protected settings of %s %s: %w", n.ProtocolKind, cr.GetName(), err)
	}
	return nil
}

// plainSecretData is protected settings as Secret data, as they are.
func plainSecretData(settings map[string]string) map[string][]byte {
	data := make(map[string][]byte, len(settings))
	for k, v := range settings {
		data[k] = []byte(v)
	}
	return data
}

// newObject returns an empty CR of the kind T points to.
func newObject[T client.Object]() T {
	return reflect.New(reflect.TypeFor[T]().Elem()).Interface().(T)
}
