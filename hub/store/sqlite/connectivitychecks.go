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
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
)

// PutConnectivityChecks replaces a cluster's latest connectivity checks;
// store.ErrNotFound when the cluster does not exist.
func (s *Store) PutConnectivityChecks(ctx context.Context, clusterID string, c store.ConnectivityChecks) error {
	checks, err := json.Marshal(c.Checks)
	if err != nil {
		return fmt.Errorf("encode connectivity checks of %s: %w", clusterID, err)
	}
	return s.write(ctx, "put connectivity checks of "+clusterID, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, clusterID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO connectivity_checks (cluster_key, received_at, checks) VALUES (?, ?, ?)
			ON CONFLICT (cluster_key) DO UPDATE SET received_at = excluded.received_at, checks = excluded.checks`,
			sqlstore.Key(clusterID), sqlstore.FormatTime(c.ReceivedAt), string(checks))
		return err
	})
}

// GetConnectivityChecks returns a cluster's latest connectivity checks; store.ErrNotFound
// when there are none.
func (s *Store) GetConnectivityChecks(ctx context.Context, clusterID string) (*store.ConnectivityChecks, error) {
	var receivedAt sql.NullString
	var checks string
	err := s.read(ctx, "get connectivity checks of "+clusterID, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT received_at, checks FROM connectivity_checks WHERE cluster_key = ?",
			sqlstore.Key(clusterID)).Scan(&receivedAt, &checks)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	out := &store.ConnectivityChecks{}
	if out.ReceivedAt, err = parseTime(receivedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(checks), &out.Checks); err != nil {
		return nil, fmt.Errorf("decode connectivity checks of %s: %w", clusterID, err)
	}
	return out, nil
}
