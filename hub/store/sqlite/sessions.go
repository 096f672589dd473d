// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
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
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
)

// CreatePortalSession stores a session and ends the oldest ones past the caps.
func (s *Store) CreatePortalSession(ctx context.Context, ps *store.PortalSession, caps store.PortalSessionCaps) error {
	if err := sqlstore.ValidatePortalSession(ps, caps); err != nil {
		return fmt.Errorf("create portal session: %w", err)
	}
	return s.write(ctx, "create portal session", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO portal_sessions ("+sqlstore.PortalSessionColumns+") VALUES (?, ?, ?, ?, ?, ?)",
			ps.IDHash, ps.TokenHash, ps.SealedToken, ps.CSRF, sqlstore.FormatTime(ps.CreatedAt), sqlstore.FormatTime(ps.LastSeen)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_sessions WHERE seq IN
			(SELECT seq FROM portal_sessions WHERE token_hash = ? ORDER BY seq DESC LIMIT -1 OFFSET ?)`, ps.TokenHash, caps.PerToken); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM portal_sessions WHERE seq IN
			(SELECT seq FROM portal_sessions ORDER BY seq DESC LIMIT -1 OFFSET ?)`, caps.Max)
		return err
	})
}

// GetPortalSession returns a session by the hash of its ID, or store.ErrNotFound.
func (s *Store) GetPortalSession(ctx context.Context, idHash []byte) (*store.PortalSession, error) {
	var ps *store.PortalSession
	err := s.read(ctx, "get portal session", func(tx *sql.Tx) error {
		var err error
		ps, err = sqlstore.ScanPortalSession(tx.QueryRowContext(ctx,
			"SELECT "+sqlstore.PortalSessionColumns+" FROM portal_sessions WHERE id_hash = ?", idHash))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	})
	return ps, err
}

// TouchPortalSession moves a session's last use forward.
func (s *Store) TouchPortalSession(ctx context.Context, idHash []byte, at time.Time) error {
	return s.write(ctx, "touch portal session", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE portal_sessions SET last_seen = ? WHERE id_hash = ? AND last_seen < ?",
			sqlstore.FormatTime(at), idHash, sqlstore.FormatTime(at))
		return err
	})
}

// DeletePortalSession ends a session.
func (s *Store) DeletePortalSession(ctx context.Context, idHash []byte) error {
	return s.write(ctx, "delete portal session", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM portal_sessions WHERE id_hash = ?", idHash)
		return err
	})
}

// PrunePortalSessions removes the sessions unused or signed in too long ago.
func (s *Store) PrunePortalSessions(ctx context.Context, lastSeenBy, createdBy time.Time) error {
	return s.write(ctx, "prune portal sessions", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM portal_sessions WHERE last_seen <= ? OR created_at <= ?",
			sqlstore.FormatTime(lastSeenBy), sqlstore.FormatTime(createdBy))
		return err
	})
}
