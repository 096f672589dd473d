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

package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
)

// liveToken selects tokens neither revoked nor expired at the time bound to $n.
func liveToken(n string) string {
	return "NOT revoked AND (expires_at IS NULL OR expires_at >= $" + n + ")"
}

// CreateToken stores a new token; CreatedAt defaults to now.
func (s *Store) CreateToken(ctx context.Context, t *store.Token) error {
	switch {
	case t == nil:
		return errors.New("create token: no token")
	case t.ID == "" || len(t.Hash) == 0:
		return fmt.Errorf("create token %q: ID and hash are required", t.ID)
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.now()
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return s.write(ctx, "create token "+t.ID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO tokens ("+sqlstore.TokenColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7)",
			t.ID, t.Name, t.Hash, t.Role, t.Scope, sqlstore.FormatTime(t.CreatedAt), sqlstore.FormatTime(t.ExpiresAt))
		return err
	})
}

// FindToken returns the live (unrevoked, unexpired) token with this hash, or
// store.ErrNotFound.
func (s *Store) FindToken(ctx context.Context, hash []byte) (*store.Token, error) {
	var t *store.Token
	err := s.read(ctx, "find token", func(tx pgx.Tx) error {
		var err error
		t, err = sqlstore.ScanToken(tx.QueryRow(ctx, "SELECT "+sqlstore.TokenColumns+" FROM tokens WHERE hash = $1 AND "+liveToken("2"),
			hash, sqlstore.FormatTime(s.now())))
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	})
	return t, err
}

// ListTokens returns the live tokens, oldest first.
func (s *Store) ListTokens(ctx context.Context) ([]*store.Token, error) {
	var list []*store.Token
	err := s.read(ctx, "list tokens", func(tx pgx.Tx) (err error) {
		list, err = queryAll(ctx, tx, sqlstore.ScanToken,
			"SELECT "+sqlstore.TokenColumns+" FROM tokens WHERE "+liveToken("1")+" ORDER BY created_at, id", sqlstore.FormatTime(s.now()))
		return err
	})
	return list, err
}

// RevokeToken revokes a token; store.ErrNotFound when there is no unrevoked token with
// this ID. The revocation is notified to the other replicas (Listen), which end the streams
// held with the token.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	return s.write(ctx, "revoke token "+id, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE tokens SET revoked = TRUE WHERE id = $1 AND NOT revoked", id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		return notifyRevoked(ctx, tx, id)
	})
}
