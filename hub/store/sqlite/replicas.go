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
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
)

// PutTunnelHolder records that h.Replica holds h.ClusterID's tunnel.
func (s *Store) PutTunnelHolder(ctx context.Context, h store.TunnelHolder) error {
	return s.write(ctx, "put tunnel holder of "+h.ClusterID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tunnel_holders (cluster_key, replica, peer_url) VALUES (?, ?, ?)
			ON CONFLICT (cluster_key) DO UPDATE SET replica = excluded.replica, peer_url = excluded.peer_url`,
			sqlstore.Key(h.ClusterID), h.Replica, h.PeerURL)
		return err
	})
}

// GetTunnelHolder returns the record of a cluster's tunnel, or store.ErrNotFound.
func (s *Store) GetTunnelHolder(ctx context.Context, clusterID string) (*store.TunnelHolder, error) {
	h := &store.TunnelHolder{ClusterID: clusterID}
	err := s.read(ctx, "get tunnel holder of "+clusterID, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT replica, peer_url FROM tunnel_holders WHERE cluster_key = ?",
			sqlstore.Key(clusterID)).Scan(&h.Replica, &h.PeerURL)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return h, nil
}

// ListTunnelHolders returns every record of a tunnel that replica holds.
func (s *Store) ListTunnelHolders(ctx context.Context, replica string) ([]store.TunnelHolder, error) {
	var hs []store.TunnelHolder
	err := s.read(ctx, "list tunnel holders of replica "+replica, func(tx *sql.Tx) (err error) {
		hs, err = queryAll(ctx, tx, sqlstore.ScanTunnelHolder,
			"SELECT "+sqlstore.TunnelHolderColumns+" FROM tunnel_holders WHERE replica = ?", replica)
		return err
	})
	return hs, err
}

// DeleteTunnelHolder removes a cluster's tunnel record if replica still holds it.
func (s *Store) DeleteTunnelHolder(ctx context.Context, clusterID, replica string) error {
	return s.write(ctx, "delete tunnel holder of "+clusterID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM tunnel_holders WHERE cluster_key = ? AND replica = ?", sqlstore.Key(clusterID), replica)
		return err
	})
}

// AcquireLease takes or renews the lease name for holder if it is free, expired or holder's.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := s.now()
	var got bool
	err := s.write(ctx, "acquire lease "+name, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
			name, holder, sqlstore.FormatTime(now.Add(ttl)), sqlstore.FormatTime(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		got = n == 1
		return err
	})
	return got, err
}

// ReleaseLease frees the lease name if holder has it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	return s.write(ctx, "release lease "+name, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder)
		return err
	})
}

// Ping checks that the database answers. A file that cannot be read is ErrUnavailable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite store: %w: %w", store.ErrUnavailable, err)
	}
	return nil
}
