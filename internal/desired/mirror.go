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

// Package desired turns the hub's desired state into custom resources in the cluster: one
// hub-owned CR (labelled arc.kubearc.io/managed-by=hub) per desired object, kept equal to
// the hub's copy, and deleted when the hub's state no longer has the object.
//
// The Mirror receives the hub's whole desired state through Set (wired to
// connection.Connector.Desired, which fires only on authoritative lists and watch events,
// never because the hub is unreachable) and applies it on its own goroutine, retrying with
// backoff and resyncing periodically.
//
// Each kind plugs in through the Kind interface:
//
//	type Kind interface {
//		Kind() string                                    // protocol kind, e.g. "Extension"
//		Apply(ctx, protocol.DesiredObject) error          // create or update the CR
//		Reject(ctx, name string, err *InvalidError) error // mark the existing CR, if any
//		InvalidStatus(err *InvalidError) json.RawMessage   // status payload for the hub, nil: none
//		Prune(ctx, keep map[string]bool) error            // delete hub-owned CRs not in keep
//	}
//
// Apply returns an *InvalidError for an object that can never work as it is (bad spec,
// undecryptable protected settings): the Mirror then leaves the last good CR in place,
// calls Reject, and reports InvalidStatus to the hub. Any other error is retried. Prune is
// called with the names of every object of the kind the hub has, valid or not, and only
// after a desired state arrived.
//
// The kinds live in internal/agent/<kind>. A kind whose CRs live in the agent's namespace is
// a Namespaced, given the kind's mapping of the hub's spec to its CR's; Target holds what
// writing CRs shares: a hub-owned CR and its protected-settings Secret, rejecting, pruning.
// The Mirror writes only the HubSynced condition of a CR, through a reconcile.Patcher that
// owns it alone, so it never erases the conditions the kind's reconciler writes.
package desired

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/util/workqueue"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Kind turns the hub's desired objects of one kind into CRs. See the package doc.
type Kind interface {
	// Kind is the protocol kind the plug-in handles, e.g. protocol.KindExtension.
	Kind() string
	// Apply creates or updates the hub-owned CR of obj; an *InvalidError says obj cannot be
	// used as it is.
	Apply(ctx context.Context, obj protocol.DesiredObject) error
	// Reject records on the CR of the hub's object name, if it exists, why the hub's latest
	// object was not applied.
	Reject(ctx context.Context, name string, err *InvalidError) error
	// InvalidStatus is the status payload reported to the hub for an object that cannot be
	// used.
	InvalidStatus(err *InvalidError) json.RawMessage
	// Prune deletes the hub-owned CRs whose hub names are not in keep.
	Prune(ctx context.Context, keep map[string]bool) error
}

// InvalidError says a desired object cannot be used until the hub changes it. Its message
// is shown to users and never contains protected values.
type InvalidError struct{ Message string }

func (e *InvalidError) Error() string { return e.Message }

// Mirror applies the hub's desired state with its Kinds. It is a manager Runnable that
// needs the leader lease.
type Mirror struct {
	Kinds []Kind
	// Report, when set, receives the statuses of objects that cannot be used.
	Report func(protocol.ObjectStatus)
	Log    logr.Logger
	// Resync is how often the whole state is applied again (default five minutes), which
	// also restores hub-owned CRs deleted in the cluster.
	Resync time.Duration

	once   sync.Once
	queue  workqueue.TypedRateLimitingInterface[string]
	mu     sync.Mutex
	latest map[string]protocol.DesiredObject
}

const syncKey = "desired-state"

func (s *Mirror) init() {
	s.once.Do(func() {
		s.queue = workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.NewTypedItemExponentialFailureRateLimiter[string](time.Second, 5*time.Minute),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "desired"})
	})
}

// Set takes the hub's whole desired state, keyed "Kind/Name". It returns at once; the
// Mirror applies it on its own goroutine.
func (s *Mirror) Set(objects map[string]protocol.DesiredObject) {
	s.init()
	s.mu.Lock()
	s.latest = maps.Clone(objects)
	s.mu.Unlock()
	s.queue.Add(syncKey)
}

// Trigger applies the last desired state again soon, e.g. after a hub-owned CR was deleted
// in the cluster.
func (s *Mirror) Trigger() {
	s.init()
	s.queue.Add(syncKey)
}

// Wanted reports whether the hub's last desired state has the object kind/name.
func (s *Mirror) Wanted(kind, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.latest[kind+"/"+name]
	return ok
}

// NeedLeaderElection makes the Mirror run on the leader only.
func (s *Mirror) NeedLeaderElection() bool { return true }

// Start applies the desired state whenever it changes, until ctx ends.
func (s *Mirror) Start(ctx context.Context) error {
	s.init()
	go func() {
		<-ctx.Done()
		s.queue.ShutDown()
	}()
	for {
		key, quit := s.queue.Get()
		if quit {
			return nil
		}
		s.process(ctx, key)
	}
}

func (s *Mirror) process(ctx context.Context, key string) {
	defer s.queue.Done(key)
	if err := s.Sync(ctx); err != nil {
		s.Log.Info("Applying the hub's desired state failed; will retry", "error", err.Error())
		s.queue.AddRateLimited(key)
		return
	}
	s.queue.Forget(key)
	s.queue.AddAfter(key, s.resync())
}

func (s *Mirror) resync() time.Duration {
	if s.Resync > 0 {
		return s.Resync
	}
	return 5 * time.Minute
}

// Sync applies every kind's objects once and prunes what the hub no longer has. Nothing
// happens before the first desired state arrived. Start calls it; tests call it directly.
func (s *Mirror) Sync(ctx context.Context) error {
	s.mu.Lock()
	latest := s.latest
	s.mu.Unlock()
	if latest == nil {
		return nil
	}
	var errs []error
	for _, k := range s.Kinds {
		errs = append(errs, s.syncKind(ctx, k, ofKind(latest, k.Kind())))
	}
	return errors.Join(errs...)
}

func (s *Mirror) syncKind(ctx context.Context, k Kind, objects []protocol.DesiredObject) error {
	var errs []error
	keep := make(map[string]bool, len(objects))
	for _, obj := range objects {
		keep[obj.Name] = true
		err := k.Apply(ctx, obj)
		var invalid *InvalidError
		if errors.As(err, &invalid) {
			errs = append(errs, s.reject(ctx, k, obj, invalid))
		} else if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(append(errs, k.Prune(ctx, keep))...)
}

// reject keeps the last good CR, marks it, and tells the hub.
func (s *Mirror) reject(ctx context.Context, k Kind, obj protocol.DesiredObject, invalid *InvalidError) error {
	s.Log.Info("The hub's desired object cannot be used; keeping the last good one",
		"kind", obj.Kind, "name", obj.Name, "resourceVersion", obj.ResourceVersion, "reason", invalid.Message)
	if status := k.InvalidStatus(invalid); s.Report != nil && status != nil {
		s.Report(protocol.ObjectStatus{Kind: obj.Kind, Name: obj.Name, ObservedResourceVersion: obj.ResourceVersion, Status: status})
	}
	return k.Reject(ctx, obj.Name, invalid)
}

// ofKind returns the objects of kind, by name.
func ofKind(objects map[string]protocol.DesiredObject, kind string) []protocol.DesiredObject {
	var out []protocol.DesiredObject
	for key, obj := range objects {
		if strings.HasPrefix(key, kind+"/") {
			out = append(out, obj)
		}
	}
	return out
}
