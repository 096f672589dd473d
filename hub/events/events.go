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

// Package events wakes the agent watch streams of a cluster when its desired state changes,
// so a change made on the hub reaches a connected agent at once instead of at the next poll.
package events

import (
	"context"
	"strings"
	"sync"

	"github.com/kubearc/kubearc/hub/store"
)

// Broadcaster fans a "cluster changed" signal out to that cluster's subscribers. A signal
// carries no data: subscribers read the changes from the store, so a burst of writes
// collapses into one wake-up and nothing is lost when a subscriber is slow.
type Broadcaster struct {
	mu        sync.Mutex
	subs      map[string]map[chan struct{}]struct{}
	listeners []func(clusterID string)
}

// OnChange registers fn to be called, synchronously and briefly, on every change of any
// cluster: for caches of what the store holds about clusters.
func (b *Broadcaster) OnChange(fn func(clusterID string)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.listeners = append(b.listeners, fn)
}

// NewBroadcaster returns an empty Broadcaster.
func NewBroadcaster() *Broadcaster {
	return &Broadcaster{subs: map[string]map[chan struct{}]struct{}{}}
}

// Subscribe returns a channel that receives a value after each change to the cluster's
// desired state, and a function that ends the subscription.
func (b *Broadcaster) Subscribe(clusterID string) (<-chan struct{}, func()) {
	key := strings.ToLower(clusterID)
	ch := make(chan struct{}, 1)
	b.mu.Lock()
	if b.subs[key] == nil {
		b.subs[key] = map[chan struct{}]struct{}{}
	}
	b.subs[key][ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs[key], ch)
		if len(b.subs[key]) == 0 {
			delete(b.subs, key)
		}
		b.mu.Unlock()
	}
}

// Notify wakes the cluster's subscribers.
func (b *Broadcaster) Notify(clusterID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, fn := range b.listeners {
		fn(clusterID)
	}
	for ch := range b.subs[strings.ToLower(clusterID)] {
		select {
		case ch <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}

// NotifyingStore is a store.Store that notifies the Broadcaster after every committed change
// of a cluster's desired state.
type NotifyingStore struct {
	store.Store
	Broadcaster *Broadcaster
}

// PutResource stores the resource and wakes the watchers of the clusters it changed.
func (s NotifyingStore) PutResource(ctx context.Context, r *store.Resource, pre store.Precondition, changes ...store.DesiredChange) (bool, error) {
	created, err := s.Store.PutResource(ctx, r, pre, changes...)
	if err == nil {
		s.notify(changes)
	}
	return created, err
}

// DeleteResource deletes the resource and wakes the watchers of the clusters it changed.
func (s NotifyingStore) DeleteResource(ctx context.Context, id string, pre store.Precondition, changes ...store.DesiredChange) error {
	err := s.Store.DeleteResource(ctx, id, pre, changes...)
	if err == nil {
		s.notify(changes)
		s.Broadcaster.Notify(id) // a deleted cluster's watchers see their objects go
	}
	return err
}

// PutDesired applies the changes and wakes the watchers of the clusters they changed.
func (s NotifyingStore) PutDesired(ctx context.Context, related map[string]string, changes ...store.DesiredChange) error {
	err := s.Store.PutDesired(ctx, related, changes...)
	if err == nil {
		s.notify(changes)
	}
	return err
}

func (s NotifyingStore) notify(changes []store.DesiredChange) {
	for _, c := range changes {
		s.Broadcaster.Notify(c.ClusterID)
	}
}
