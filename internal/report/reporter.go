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

// Package report sends the status of the agent's CRs to the hub: it watches them through
// the manager's informers and posts protocol.ObjectStatus batches to /agent/v1/status,
// coalescing bursts, retrying with backoff, and sending everything again after a failure
// or a new hub session, and periodically.
//
// Each kind plugs in through the Source interface:
//
//	type Source interface {
//		Kind() string                                              // protocol kind
//		Object() client.Object                                     // e.g. &Extension{}
//		List(ctx, client.Reader) ([]client.Object, error)          // every CR, to resend
//		Status(obj client.Object) (protocol.ObjectStatus, bool)    // false: nothing to say
//		Deleted(obj client.Object) (protocol.ObjectStatus, bool)   // after the CR is gone
//	}
//
// Namespaced implements Source for the CRs of one kind in the agent's namespace; a kind gives
// only its status mapping.
//
// A hub-owned object is reported with the hub's name and the hub resourceVersion the
// status describes (annotation arc.kubearc.io/hub-resource-version); a cluster-owned one
// with an empty ObservedResourceVersion and enough of its spec for the hub to show it.
// Statuses never contain protected values.
package report

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Source is one kind of CR reported to the hub. See the package doc.
type Source interface {
	// Kind is the protocol kind, e.g. protocol.KindExtension.
	Kind() string
	// Object is an empty CR of the kind, for its informer.
	Object() client.Object
	// List returns every CR of the kind.
	List(ctx context.Context, r client.Reader) ([]client.Object, error)
	// Status is obj's status for the hub; false when there is nothing to report.
	Status(obj client.Object) (protocol.ObjectStatus, bool)
	// Deleted is the status to send once obj is gone; false when there is nothing to report.
	Deleted(obj client.Object) (protocol.ObjectStatus, bool)
}

// Sender posts statuses to the hub; *agentclient.Client is one.
type Sender interface {
	ReportStatus(ctx context.Context, statuses []protocol.ObjectStatus) error
}

var _ Sender = (*agentclient.Client)(nil)

// HubClient adapts a function returning the hub client, nil while there is none, to
// Reporter.Hub.
func HubClient(get func() *agentclient.Client) func() Sender {
	return func() Sender {
		if c := get(); c != nil {
			return c
		}
		return nil
	}
}

// Reporter posts the statuses of its Sources' CRs to the hub. It is a manager Runnable that
// needs the leader lease.
type Reporter struct {
	Cache  cache.Cache
	Reader client.Reader
	// Hub returns the registered hub client, nil while there is none; a different one than
	// before (a new session) gets every status again.
	Hub     func() Sender
	Sources []Source
	// Wanted, when set, says whether the hub still wants an object whose CR was deleted; the
	// Reporter then calls Restore instead of reporting the deletion.
	Wanted  func(kind, name string) bool
	Restore func()
	Log     logr.Logger
	// Delay coalesces bursts of changes into one batch (default 200ms).
	Delay time.Duration
	// Resend is how often everything is sent again (default ten minutes).
	Resend time.Duration

	once     sync.Once
	queue    workqueue.TypedRateLimitingInterface[string]
	mu       sync.Mutex
	pending  map[string]protocol.ObjectStatus
	sentTo   Sender
	sendAll  bool
	lastFull time.Time
}

const flushKey = "flush"

func (r *Reporter) init() {
	r.once.Do(func() {
		r.queue = workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.NewTypedItemExponentialFailureRateLimiter[string](time.Second, 2*time.Minute),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "report"})
		r.pending = map[string]protocol.ObjectStatus{}
		r.sendAll = true
	})
}

// NeedLeaderElection makes the Reporter run on the leader only.
func (r *Reporter) NeedLeaderElection() bool { return true }

// Send queues a status that has no CR behind it, e.g. a desired object the agent could not
// use.
func (r *Reporter) Send(s protocol.ObjectStatus) {
	r.init()
	r.enqueue(s)
}

func (r *Reporter) enqueue(s protocol.ObjectStatus) {
	r.mu.Lock()
	r.pending[s.Kind+"/"+s.Name] = s
	r.mu.Unlock()
	r.queue.AddAfter(flushKey, r.delay())
}

func (r *Reporter) delay() time.Duration {
	if r.Delay > 0 {
		return r.Delay
	}
	return 200 * time.Millisecond
}

// Start watches the Sources' CRs and sends their statuses until ctx ends.
func (r *Reporter) Start(ctx context.Context) error {
	r.init()
	for _, src := range r.Sources {
		inf, err := r.Cache.GetInformer(ctx, src.Object())
		if err != nil {
			return fmt.Errorf("watching %s objects for status reports: %w", src.Kind(), err)
		}
		if _, err := inf.AddEventHandler(r.handler(src)); err != nil {
			return fmt.Errorf("watching %s objects for status reports: %w", src.Kind(), err)
		}
	}
	go func() {
		<-ctx.Done()
		r.queue.ShutDown()
	}()
	r.queue.Add(flushKey)
	for {
		key, quit := r.queue.Get()
		if quit {
			return nil
		}
		r.flush(ctx, key)
	}
}

func (r *Reporter) handler(src Source) toolscache.ResourceEventHandler {
	changed := func(o any) {
		if obj, ok := o.(client.Object); ok {
			if s, ok := src.Status(obj); ok {
				r.enqueue(s)
			}
		}
	}
	return toolscache.ResourceEventHandlerFuncs{
		AddFunc:    changed,
		UpdateFunc: func(_, o any) { changed(o) },
		DeleteFunc: func(o any) { r.deleted(src, o) },
	}
}

// deleted reports a CR that is gone, unless the hub still wants it: then it is restored.
func (r *Reporter) deleted(src Source, o any) {
	if t, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
		o = t.Obj
	}
	obj, ok := o.(client.Object)
	if !ok {
		return
	}
	s, ok := src.Deleted(obj)
	if !ok {
		return
	}
	if r.Wanted != nil && s.ObservedResourceVersion != "" && r.Wanted(s.Kind, s.Name) {
		if r.Restore != nil {
			r.Restore()
		}
		return
	}
	r.enqueue(s)
}

// flush sends the pending statuses, all of them after a failure, a new hub session or the
// resend interval.
func (r *Reporter) flush(ctx context.Context, key string) {
	defer r.queue.Done(key)
	hub := r.Hub()
	if hub == nil {
		r.queue.AddAfter(key, 2*time.Second) // not registered yet
		return
	}
	statuses, full := r.take(ctx, hub)
	statuses = valid(r.Log, statuses)
	if len(statuses) == 0 {
		r.queue.Forget(key)
		return
	}
	parts := batches(statuses)
	for i, batch := range parts {
		if err := hub.ReportStatus(ctx, batch); err != nil {
			r.Log.Info("Reporting statuses to the hub failed; will retry", "count", len(batch), "error", err.Error())
			r.putBack(slices.Concat(parts[i:]...))
			r.queue.AddRateLimited(key)
			return
		}
	}
	r.mu.Lock()
	r.sentTo = hub
	if full {
		r.lastFull = time.Now()
	}
	r.mu.Unlock()
	r.queue.Forget(key)
	r.queue.AddAfter(key, r.resend())
}

func (r *Reporter) resend() time.Duration {
	if r.Resend > 0 {
		return r.Resend
	}
	return 10 * time.Minute
}

// take returns the pending statuses, with every CR's status when a full resend is due.
func (r *Reporter) take(ctx context.Context, hub Sender) ([]protocol.ObjectStatus, bool) {
	r.mu.Lock()
	full := r.sendAll || r.sentTo != hub || time.Since(r.lastFull) >= r.resend()
	r.sendAll = false
	pending := r.pending
	r.pending = map[string]protocol.ObjectStatus{}
	r.mu.Unlock()
	if full {
		all, err := r.all(ctx)
		if err != nil {
			r.Log.Info("Listing objects to report failed; sending the changes only", "error", err.Error())
			full = false
			r.mu.Lock()
			r.sendAll = true // next time
			r.mu.Unlock()
		}
		for k, s := range all {
			if _, ok := pending[k]; !ok {
				pending[k] = s
			}
		}
	}
	out := make([]protocol.ObjectStatus, 0, len(pending))
	for _, s := range pending {
		out = append(out, s)
	}
	return out, full
}

func (r *Reporter) all(ctx context.Context) (map[string]protocol.ObjectStatus, error) {
	out := map[string]protocol.ObjectStatus{}
	for _, src := range r.Sources {
		objs, err := src.List(ctx, r.Reader)
		if err != nil {
			return nil, err
		}
		for _, obj := range objs {
			if s, ok := src.Status(obj); ok {
				out[s.Kind+"/"+s.Name] = s
			}
		}
	}
	return out, nil
}

// putBack returns unsent statuses to the queue, behind newer ones, and asks for a full
// resend: the hub may have missed more.
func (r *Reporter) putBack(batch []protocol.ObjectStatus) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sendAll = true
	for _, s := range batch {
		k := s.Kind + "/" + s.Name
		if _, newer := r.pending[k]; !newer {
			r.pending[k] = s
		}
	}
}
