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

package auth

import (
	"bytes"
	"context"
	"sync"

	"github.com/kubearc/kubearc/hub/store"
)

// fakeStore keeps tokens in memory; the embedded nil Store makes every other method panic.
type fakeStore struct {
	store.Store
	mu      sync.Mutex
	tokens  []*store.Token
	revoked map[string]bool
	// err, when set, is returned by every token method.
	err error
}

func newFakeStore() *fakeStore { return &fakeStore{revoked: map[string]bool{}} }

func (f *fakeStore) CreateToken(_ context.Context, t *store.Token) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	c := *t
	f.tokens = append(f.tokens, &c)
	return nil
}

func (f *fakeStore) FindToken(_ context.Context, hash []byte) (*store.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	for _, t := range f.tokens {
		if bytes.Equal(t.Hash, hash) && !f.revoked[t.ID] {
			c := *t
			return &c, nil
		}
	}
	return nil, store.ErrNotFound
}

func (f *fakeStore) ListTokens(context.Context) ([]*store.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*store.Token
	for _, t := range f.tokens {
		if !f.revoked[t.ID] {
			c := *t
			out = append(out, &c)
		}
	}
	return out, f.err
}

func (f *fakeStore) RevokeToken(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		if t.ID == id && !f.revoked[id] {
			f.revoked[id] = true
			return nil
		}
	}
	return store.ErrNotFound
}
