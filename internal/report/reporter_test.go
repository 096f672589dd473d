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
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// extensions is a Source of Extensions with empty payloads: the Reporter does not look into
// them.
var extensions = Namespaced[*arcv1alpha1.Extension]{ProtocolKind: protocol.KindExtension, Namespace: "kubearc-system",
	NewList:   func() client.ObjectList { return &arcv1alpha1.ExtensionList{} },
	StatusOf:  func(*arcv1alpha1.Extension) any { return struct{}{} },
	DeletedOf: func(*arcv1alpha1.Extension) any { return struct{}{} },
}

// extension is an Extension in the agent's namespace, hub-owned as Flux on the hub or not.
func extension(hubOwned bool, generation int64) *arcv1alpha1.Extension {
	e := &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: "kubearc-system", Name: "flux", Generation: generation}}
	if hubOwned {
		e.Labels = map[string]string{arcv1alpha1.ManagedByLabel: arcv1alpha1.ManagedByHub}
		e.Annotations = map[string]string{arcv1alpha1.HubResourceVersionAnnotation: "42", arcv1alpha1.HubNameAnnotation: "Flux"}
	}
	return e
}

// fakeHub records the batches it accepts and fails while down.
type fakeHub struct {
	mu      sync.Mutex
	down    bool
	batches [][]string
}

func (h *fakeHub) ReportStatus(_ context.Context, statuses []protocol.ObjectStatus) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		return errors.New("connection refused")
	}
	var names []string
	for _, s := range statuses {
		names = append(names, s.Name)
	}
	slices.Sort(names)
	h.batches = append(h.batches, names)
	return nil
}

func newReporter(t *testing.T, hub func() Sender, objs ...client.Object) *Reporter {
	t.Helper()
	scheme := runtime.NewScheme()
	_ = arcv1alpha1.AddToScheme(scheme)
	r := &Reporter{Reader: fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).Build(), Hub: hub,
		Sources: []Source{extensions}, Log: logr.Discard()}
	r.init()
	t.Cleanup(r.queue.ShutDown)
	return r
}

func cr(name string) *arcv1alpha1.Extension {
	e := extension(false, 1)
	e.Name = name
	return e
}

func TestReporterSendsEverythingFirstThenChangesOnly(t *testing.T) {
	hub := &fakeHub{}
	r := newReporter(t, func() Sender { return hub }, cr("a"), cr("b"))
	r.Send(protocol.ObjectStatus{Kind: protocol.KindExtension, Name: "gone", Status: []byte(`{}`)})
	r.flush(t.Context(), flushKey)

	r.Send(protocol.ObjectStatus{Kind: protocol.KindExtension, Name: "a", Status: []byte(`{}`)})
	r.Send(protocol.ObjectStatus{Kind: protocol.KindExtension, Name: "a", Status: []byte(`{"newer":true}`)})
	r.flush(t.Context(), flushKey)

	want := [][]string{{"a", "b", "gone"}, {"a"}}
	if !slices.EqualFunc(hub.batches, want, slices.Equal) {
		t.Errorf("batches = %v, want %v: everything first, then one coalesced change", hub.batches, want)
	}
}

func TestReporterRetriesAndResendsEverythingAfterAFailure(t *testing.T) {
	hub := &fakeHub{}
	r := newReporter(t, func() Sender { return hub }, cr("a"), cr("b"))
	r.flush(t.Context(), flushKey) // the first, full batch

	hub.down = true
	r.Send(protocol.ObjectStatus{Kind: protocol.KindExtension, Name: "gone", Status: []byte(`{}`)})
	r.flush(t.Context(), flushKey)
	hub.down = false
	r.flush(t.Context(), flushKey)

	want := [][]string{{"a", "b"}, {"a", "b", "gone"}}
	if !slices.EqualFunc(hub.batches, want, slices.Equal) {
		t.Errorf("batches = %v, want %v: the failed status kept and everything sent again", hub.batches, want)
	}
}

func TestReporterWaitsForAHubClientAndResendsToANewOne(t *testing.T) {
	var current Sender
	r := newReporter(t, func() Sender { return current }, cr("a"))
	r.Send(protocol.ObjectStatus{Kind: protocol.KindExtension, Name: "gone", Status: []byte(`{}`)})
	r.flush(t.Context(), flushKey) // not registered: nothing is lost

	first := &fakeHub{}
	current = first
	r.flush(t.Context(), flushKey)
	if want := [][]string{{"a", "gone"}}; !slices.EqualFunc(first.batches, want, slices.Equal) {
		t.Errorf("first session got %v, want %v", first.batches, want)
	}

	second := &fakeHub{}
	current = second
	r.flush(t.Context(), flushKey)
	if want := [][]string{{"a"}}; !slices.EqualFunc(second.batches, want, slices.Equal) {
		t.Errorf("a new session got %v, want every CR's status again: %v", second.batches, want)
	}
}

func TestDeletedObjectTheHubStillWantsIsRestoredNotReported(t *testing.T) {
	hub := &fakeHub{}
	restored := 0
	r := newReporter(t, func() Sender { return hub })
	r.Wanted = func(_, name string) bool { return name == "Flux" }
	r.Restore = func() { restored++ }

	r.deleted(extensions, extension(true, 1))
	if restored != 1 || len(r.pending) != 0 {
		t.Errorf("restored %d times, pending %v; want the CR restored and no Deleted status", restored, r.pending)
	}
	r.Wanted = func(string, string) bool { return false }
	r.deleted(extensions, extension(true, 1))
	if _, ok := r.pending[protocol.KindExtension+"/Flux"]; !ok {
		t.Errorf("pending = %v, want a Deleted status for Flux once the hub dropped it", r.pending)
	}
}
