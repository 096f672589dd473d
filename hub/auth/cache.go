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
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// DefaultCacheTTL is how long TokenCache trusts a token it found without asking the store
// again. A token revoked through this hub stops at once, and one revoked through another hub
// replica as soon as this one hears of it (TokenRevoked); one whose revocation went unheard
// keeps working for at most this long (as with Kubernetes' token webhook cache, which keeps
// answers for 2 minutes). Expiry is checked on every request.
const DefaultCacheTTL = 10 * time.Second

// TokenCache is a store.Store that answers FindToken from memory, so that authenticating a
// request (every ARM call, every request through a cluster-connect tunnel) does not read the
// database. Only tokens that exist are cached, so it holds at most one entry per token.
type TokenCache struct {
	store.Store
	// TTL is how long a found token is remembered (default DefaultCacheTTL).
	TTL time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	// Revocations, when set, ends the streams held with a token when it is revoked.
	Revocations *Revocations

	entries sync.Map // string(hash) → cachedToken
	// revocations counts RevokeToken calls: a lookup that raced with one does not cache what
	// it read, which may be the token from before the revocation.
	revocations atomic.Uint64
}

type cachedToken struct {
	token   *store.Token
	fetched time.Time
}

// FindToken returns the token with this hash from memory when it was read within TTL.
func (c *TokenCache) FindToken(ctx context.Context, hash []byte) (*store.Token, error) {
	now := c.now()
	if e, ok := c.entries.Load(string(hash)); ok && now.Sub(e.(cachedToken).fetched) < c.ttl() {
		return e.(cachedToken).token, nil
	}
	before := c.revocations.Load()
	t, err := c.Store.FindToken(ctx, hash)
	if err != nil {
		c.entries.Delete(string(hash))
		return nil, err
	}
	if c.revocations.Load() == before {
		c.entries.Store(string(hash), cachedToken{token: t, fetched: now})
	}
	return t, nil
}

// RevokeToken revokes the token in the store and forgets it at once; streams held with it
// (Revocations) end.
func (c *TokenCache) RevokeToken(ctx context.Context, id string) error {
	c.revocations.Add(1)
	err := c.Store.RevokeToken(ctx, id)
	if err == nil || errors.Is(err, store.ErrNotFound) {
		c.TokenRevoked(id)
		return err
	}
	c.revocations.Add(1)
	c.forget(func(t *store.Token) bool { return t.ID == id })
	return err
}

// TokenRevoked forgets the token of this ID at once and ends the streams held with it
// (Revocations): it was revoked, through this hub replica or another.
func (c *TokenCache) TokenRevoked(id string) {
	c.revocations.Add(1)
	c.forget(func(t *store.Token) bool { return t.ID == id })
	if c.Revocations != nil {
		c.Revocations.RevokeForever(TokenSubject(id))
	}
}

// RecheckTokens forgets every token and ends the streams held with a token that is no
// longer live in the store: after revocations through other replicas may have gone
// unheard.
func (c *TokenCache) RecheckTokens(ctx context.Context) error {
	c.revocations.Add(1)
	c.forget(func(*store.Token) bool { return true })
	if c.Revocations == nil {
		return nil
	}
	// A stream held now was admitted with a token that existed before the list below.
	held := c.Revocations.Subjects()
	live, err := c.ListTokens(ctx)
	if err != nil {
		return fmt.Errorf("listing the live tokens: %w", err)
	}
	alive := map[string]bool{}
	for _, t := range live {
		alive[strings.ToLower(TokenSubject(t.ID))] = true
	}
	for _, subject := range held {
		if strings.HasPrefix(subject, TokenSubject("")) && !alive[subject] {
			c.Revocations.RevokeForever(subject)
		}
	}
	return nil
}

// forget drops the cached tokens that match.
func (c *TokenCache) forget(match func(*store.Token) bool) {
	c.entries.Range(func(k, e any) bool {
		if match(e.(cachedToken).token) {
			c.entries.Delete(k)
		}
		return true
	})
}

func (c *TokenCache) ttl() time.Duration {
	if c.TTL > 0 {
		return c.TTL
	}
	return DefaultCacheTTL
}

func (c *TokenCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
