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
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/kubearc/kubearc/hub/events"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
)

// changesChannel is the channel every write that changes a cluster's desired state or its
// resource notifies, with the cluster's ID as payload, for the watches on other replicas.
const changesChannel = "kubearc_changes"

var _ events.RemoteChanges = (*Store)(nil)

// notifier collects the clusters a transaction changes and notifies each once; PostgreSQL
// delivers the notifications when, and only if, the transaction commits.
type notifier map[string]bool

// changed is a notifier of the clusters of changes.
func changed(changes []store.DesiredChange) notifier {
	n := notifier{}
	for _, c := range changes {
		n.add(c.ClusterID)
	}
	return n
}

// add records a changed cluster.
func (n notifier) add(clusterID string) { n[sqlstore.Key(clusterID)] = true }

// send queues the notifications in tx.
func (n notifier) send(ctx context.Context, tx pgx.Tx) error {
	for id := range n {
		if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", changesChannel, id); err != nil {
			return fmt.Errorf("notify the change of %s: %w", id, err)
		}
	}
	return nil
}

// notifyRevoked queues in tx the notification that the token of this ID is revoked.
func notifyRevoked(ctx context.Context, tx pgx.Tx, id string) error {
	if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", changesChannel, events.TokenPayloadPrefix+id); err != nil {
		return fmt.Errorf("notify the revocation of token %s: %w", id, err)
	}
	return nil
}

// Listen calls changed with the (case-folded) ID of each cluster whose desired state or
// resource a committed write changed, and with events.TokenPayloadPrefix and the ID of each
// token revoked, through any Store on this database, until ctx ends or the connection
// fails. It listens on a connection of its own, outside the pool, and calls listening once
// it does.
func (s *Store) Listen(ctx context.Context, listening func(), changed func(clusterID string)) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("listen to changes: connect: %w", err)
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return fmt.Errorf("listen to changes: %w", err)
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("listen to changes: %w", err)
		}
		changed(n.Payload)
	}
}
