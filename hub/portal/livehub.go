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

package portal

import (
	"sync"
	"sync/atomic"
	"time"
)

// liveHub fans the hub's change signals out to the open event streams, counts each session's
// streams, and keeps one render of each page a token has open, shared by its streams.
type liveHub struct {
	mu      sync.Mutex
	subs    map[chan struct{}]struct{}
	streams map[string]int
	shared  map[string]*sharedRender
	// gen counts the change signals: a render taken before the latest one is not reused.
	gen atomic.Uint64
}

func newLiveHub() *liveHub {
	return &liveHub{subs: map[chan struct{}]struct{}{}, streams: map[string]int{}, shared: map[string]*sharedRender{}}
}

func (l *liveHub) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	l.mu.Lock()
	l.subs[ch] = struct{}{}
	l.mu.Unlock()
	return ch, func() { l.mu.Lock(); delete(l.subs, ch); l.mu.Unlock() }
}

// wake signals every stream without blocking: a pending signal already covers this one.
func (l *liveHub) wake() {
	l.gen.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	for ch := range l.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// open counts a stream of session id; false when it already has limit of them.
func (l *liveHub) open(id string, limit int) (func(), bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.streams[id] >= limit {
		return nil, false
	}
	l.streams[id]++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.streams[id]--; l.streams[id] <= 0 {
			delete(l.streams, id)
		}
	}, true
}

// share returns the render shared by the streams of key, and the function that lets it go.
func (l *liveHub) share(key string) (*sharedRender, func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sh := l.shared[key]
	if sh == nil {
		sh = &sharedRender{}
		l.shared[key] = sh
	}
	sh.refs++
	return sh, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if sh.refs--; sh.refs == 0 {
			delete(l.shared, key)
		}
	}
}

// sharedRender is the latest render of one page for one token. Its mutex is held while
// rendering: the other streams of the page wait and take the result.
type sharedRender struct {
	refs  int // under liveHub.mu
	mu    sync.Mutex
	taken bool
	gen   uint64
	at    time.Time
	took  time.Duration
	fp    string
	state liveState
}

// liveState is what a check of an open page found.
type liveState int

const (
	// liveShown: the page rendered; its fingerprint is what it shows.
	liveShown liveState = iota
	// liveEnded: the session ended or its token is no longer accepted.
	liveEnded
	// liveUnavailable: the hub cannot tell now (its store is out of reach); the stream stays.
	liveUnavailable
)
