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

package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
)

// CreatePortalSession stores a session and ends the oldest ones past the caps. Its cap of all
// reads every session, so concurrent sign-ins would abort each other (serialization
// failures, then store.ErrRacesLost): they take turns on the table's lock instead, as
// pruning does (writeLocked).
func (s *Store) CreatePortalSession(ctx context.Context, ps *store.PortalSession, caps store.PortalSessionCaps) error {
	if err := sqlstore.ValidatePortalSession(ps, caps); err != nil {
		return fmt.Errorf("create portal session: %w", err)
	}
	return s.writeLocked(ctx, "create portal session", "portal_sessions", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO portal_sessions ("+sqlstore.PortalSessionColumns+") VALUES ($1, $2, $3, $4, $5, $6)",
			ps.IDHash, ps.TokenHash, ps.SealedToken, ps.CSRF, sqlstore.FormatTime(ps.CreatedAt), sqlstore.FormatTime(ps.LastSeen)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM portal_sessions WHERE seq IN
			(SELECT seq FROM portal_sessions WHERE token_hash = $1 ORDER BY seq DESC OFFSET $2)`, ps.TokenHash, caps.PerToken); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM portal_sessions WHERE seq IN
			(SELECT seq FROM portal_sessions ORDER BY seq DESC OFFSET $1)`, caps.Max)
		return err
	})
}

// GetPortalSession returns a session by the hash of its ID, or store.ErrNotFound.
func (s *Store) GetPortalSession(ctx context.Context, idHash []byte) (*store.PortalSession, error) {
	var ps *store.PortalSession
	err := s.read(ctx, "get portal session", func(tx pgx.Tx) error {
		var err error
		ps, err = sqlstore.ScanPortalSession(tx.QueryRow(ctx,
			"SELECT "+sqlstore.PortalSessionColumns+" FROM portal_sessions WHERE id_hash = $1", idHash))
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	})
	return ps, err
}

// TouchPortalSession moves a session's last use forward.
func (s *Store) TouchPortalSession(ctx context.Context, idHash []byte, at time.Time) error {
	return s.write(ctx, "touch portal session", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE portal_sessions SET last_seen = $1 WHERE id_hash = $2 AND last_seen < $1",
			sqlstore.FormatTime(at), idHash)
		return err
	})
}

// DeletePortalSession ends a session.
func (s *Store) DeletePortalSession(ctx context.Context, idHash []byte) error {
	return s.write(ctx, "delete portal session", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM portal_sessions WHERE id_hash = $1", idHash)
		return err
	})
}

// PrunePortalSessions removes the sessions unused or signed in too long ago, taking turns
// with sign-ins: it reads every session too.
func (s *Store) PrunePortalSessions(ctx context.Context, lastSeenBy, createdBy time.Time) error {
	return s.writeLocked(ctx, "prune portal sessions", "portal_sessions", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM portal_sessions WHERE last_seen <= $1 OR created_at <= $2",
			sqlstore.FormatTime(lastSeenBy), sqlstore.FormatTime(createdBy))
		return err
	})
}
