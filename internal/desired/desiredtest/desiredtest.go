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

// Package desiredtest runs a kind's desired-state mapping against a fake cluster, as the
// Mirror runs it, for the kinds' unit tests.
package desiredtest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/seal"
)

// Namespace is the agent's namespace in the fixture.
const Namespace = "kubearc-system"

// Fixture is a fake cluster, the agent key and a Mirror whose reports it records.
type Fixture struct {
	Client client.Client
	Key    *ecdsa.PrivateKey
	Mirror *desired.Mirror
	// Reports are the statuses the Mirror reported, oldest first.
	Reports []protocol.ObjectStatus
}

// New returns a Fixture whose cluster holds objs and whose Mirror runs the kind newKind
// returns; crd is an empty CR of the kind, whose status is a subresource.
func New(t *testing.T, crd client.Object, newKind func(desired.Target) desired.Kind, objs ...client.Object) *Fixture {
	t.Helper()
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = arcv1alpha1.AddToScheme(scheme)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{Key: key}
	f.Client = fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).WithStatusSubresource(crd).Build()
	f.Mirror = &desired.Mirror{Report: func(s protocol.ObjectStatus) { f.Reports = append(f.Reports, s) }}
	f.Mirror.Kinds = []desired.Kind{newKind(f.Target())}
	return f
}

// Names lists the names of the CRs of list's kind, sorted.
func (f *Fixture) Names(t *testing.T, list client.ObjectList) []string {
	t.Helper()
	if err := f.Client.List(t.Context(), list); err != nil {
		t.Fatal(err)
	}
	items, _ := meta.ExtractList(list)
	names := make([]string, 0, len(items))
	for _, item := range items {
		names = append(names, item.(client.Object).GetName())
	}
	return names
}

// Target is where the kind under test writes: the fixture's cluster, namespace and key.
func (f *Fixture) Target() desired.Target {
	return desired.Target{Client: f.Client, APIReader: f.Client, Namespace: Namespace,
		Key: func(context.Context) (crypto.Signer, error) { return f.Key, nil }}
}

// Seal seals settings for the fixture's agent key, as the hub does.
func (f *Fixture) Seal(t *testing.T, settings map[string]string) string {
	t.Helper()
	plain, _ := json.Marshal(settings)
	token, err := seal.ForAgent(&f.Key.PublicKey, plain)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// Apply runs one sync of the desired state objs, as the Mirror's goroutine would.
func (f *Fixture) Apply(t *testing.T, objs ...protocol.DesiredObject) error {
	t.Helper()
	state := map[string]protocol.DesiredObject{}
	for _, o := range objs {
		state[o.Kind+"/"+o.Name] = o
	}
	f.Mirror.Set(state)
	return f.Mirror.Sync(t.Context())
}

// Object is the hub's desired object of the fixture's kind, with spec as JSON.
func (f *Fixture) Object(t *testing.T, name, rv string, spec any) protocol.DesiredObject {
	t.Helper()
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	return protocol.DesiredObject{Kind: f.Mirror.Kinds[0].Kind(), Name: name, ResourceVersion: rv, Spec: raw}
}
