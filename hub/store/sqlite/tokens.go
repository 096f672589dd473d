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

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
)

// liveToken selects tokens neither revoked nor expired at the time bound to it.
const liveToken = "revoked = 0 AND (expires_at IS NULL OR expires_at >= ?)"

// CreateToken stores a new token; a zero t.CreatedAt is set to now.
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
	return s.write(ctx, "create token "+t.ID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO tokens ("+sqlstore.TokenColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)",
			t.ID, t.Name, t.Hash, t.Role, t.Scope, sqlstore.FormatTime(t.CreatedAt), sqlstore.FormatTime(t.ExpiresAt))
		return err
	})
}

// FindToken returns the live (unrevoked, unexpired) token with this hash, or
// store.ErrNotFound.
func (s *Store) FindToken(ctx context.Context, hash []byte) (*store.Token, error) {
	var t *store.Token
	err := s.read(ctx, "find token", func(tx *sql.Tx) error {
		var err error
		t, err = sqlstore.ScanToken(tx.QueryRowContext(ctx, "SELECT "+sqlstore.TokenColumns+" FROM tokens WHERE hash = ? AND "+liveToken,
			hash, sqlstore.FormatTime(s.now())))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	})
	return t, err
}

// ListTokens returns the live tokens, oldest first.
func (s *Store) ListTokens(ctx context.Context) ([]*store.Token, error) {
	var list []*store.Token
	err := s.read(ctx, "list tokens", func(tx *sql.Tx) (err error) {
		list, err = queryAll(ctx, tx, sqlstore.ScanToken,
			"SELECT "+sqlstore.TokenColumns+" FROM tokens WHERE "+liveToken+" ORDER BY created_at, id", sqlstore.FormatTime(s.now()))
		return err
	})
	return list, err
}

// RevokeToken revokes a token; store.ErrNotFound when there is no unrevoked token with
// this ID.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	return s.write(ctx, "revoke token "+id, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE tokens SET revoked = 1 WHERE id = ? AND revoked = 0", id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}
