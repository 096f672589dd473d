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

package events

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"
)

// scriptedListener plays one session per Listen call: a session sends its changes, then
// fails (the connection broke) or, the last one, listens until ctx ends. started receives
// each session's number once it sent its changes.
type scriptedListener struct {
	sessions [][]string
	calls    int
	started  chan int
}

func (s *scriptedListener) Listen(ctx context.Context, listening func(), changed func(string)) error {
	n := s.calls
	s.calls++
	listening()
	for _, id := range s.sessions[n] {
		changed(id)
	}
	s.started <- n
	if s.calls < len(s.sessions) {
		return errors.New("connection reset")
	}
	<-ctx.Done()
	return ctx.Err()
}

func TestFollowWakesWatchesAndCatchesUpAfterAReconnect(t *testing.T) {
	b := NewBroadcaster()
	a, cancelA := b.Subscribe("A")
	defer cancelA()
	other, cancelOther := b.Subscribe("B")
	defer cancelOther()
	var mu sync.Mutex
	var seen []string
	b.OnChange(func(id string) { mu.Lock(); seen = append(seen, id); mu.Unlock() })

	src := &scriptedListener{sessions: [][]string{{}, {"a"}}, started: make(chan int, 2)}
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); b.Follow(ctx, src, nil, slog.New(slog.DiscardHandler)) }()
	for want := range 2 {
		select {
		case n := <-src.started:
			if n != want {
				t.Fatalf("session %d started, want %d", n, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("session %d did not start: no retry after a failed Listen", want)
		}
	}
	stop()
	<-done
	for name, ch := range map[string]<-chan struct{}{"A": a, "B": other} {
		select {
		case <-ch:
		default:
			t.Errorf("the watch of %s did not wake", name)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(seen[:4])
	if want := []string{"a", "a", "b", "b", "a"}; !slices.Equal(seen, want) {
		t.Errorf("listeners saw %v, want every watched cluster at each (re)start, then a", seen)
	}
}

// revocationsHeard records what Follow tells a RemoteRevocations.
type revocationsHeard struct {
	mu       sync.Mutex
	revoked  []string
	rechecks int
}

func (r *revocationsHeard) TokenRevoked(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.revoked = append(r.revoked, id)
}

func (r *revocationsHeard) RecheckTokens(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rechecks++
	return nil
}

// A revoked token's notification reaches the revocations, not the watches; each (re)start
// of listening rechecks the held tokens.
func TestFollowPassesOnRevokedTokens(t *testing.T) {
	b := NewBroadcaster()
	var mu sync.Mutex
	var seen []string
	b.OnChange(func(id string) { mu.Lock(); seen = append(seen, id); mu.Unlock() })
	src := &scriptedListener{sessions: [][]string{{TokenPayloadPrefix + "t1"}, {"a", TokenPayloadPrefix + "t2"}}, started: make(chan int, 2)}
	heard := &revocationsHeard{}
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); b.Follow(ctx, src, heard, slog.New(slog.DiscardHandler)) }()
	for range 2 {
		select {
		case <-src.started:
		case <-time.After(10 * time.Second):
			t.Fatal("a session did not start")
		}
	}
	stop()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(seen, []string{"a"}) {
		t.Errorf("watch listeners saw %v, want only the cluster a", seen)
	}
	heard.mu.Lock()
	defer heard.mu.Unlock()
	if !slices.Equal(heard.revoked, []string{"t1", "t2"}) || heard.rechecks != 2 {
		t.Errorf("revocations heard %v with %d rechecks, want [t1 t2] with one recheck per session (2)", heard.revoked, heard.rechecks)
	}
}
