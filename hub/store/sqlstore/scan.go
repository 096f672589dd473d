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

package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/kubearc/kubearc/hub/store"
)

// Scanner is one row of a query: a *sql.Row or *sql.Rows, a pgx.Row or pgx.Rows.
type Scanner interface {
	Scan(dest ...any) error
}

// ResourceColumns are the columns of the resources table that ScanResource reads, in order.
const ResourceColumns = "id, type, subscription, resource_group, parent_id, body, version, created_at, updated_at"

// TokenColumns are the columns of the tokens table that ScanToken reads, in order.
const TokenColumns = "id, name, hash, role, scope, created_at, expires_at"

// PortalSessionColumns are the columns of the portal_sessions table that ScanPortalSession
// reads, in order.
const PortalSessionColumns = "id_hash, token_hash, sealed_token, csrf, created_at, last_seen"

// TunnelHolderColumns are the columns of the tunnel_holders table that ScanTunnelHolder
// reads, in order.
const TunnelHolderColumns = "cluster_key, replica, peer_url"

// ScanResource reads the ResourceColumns of one row.
func ScanResource(row Scanner) (*store.Resource, error) {
	var r store.Resource
	var body string
	var version int64
	var created, updated sql.NullString
	if err := row.Scan(&r.ID, &r.Type, &r.Subscription, &r.ResourceGroup, &r.ParentID, &body, &version, &created, &updated); err != nil {
		return nil, err
	}
	r.Body, r.Version = RawJSON(body), FormatRV(version)
	var err error
	if r.CreatedAt, err = ParseTime(created.String, created.Valid); err != nil {
		return nil, err
	}
	if r.UpdatedAt, err = ParseTime(updated.String, updated.Valid); err != nil {
		return nil, err
	}
	return &r, nil
}

// ScanToken reads the TokenColumns of one row.
func ScanToken(row Scanner) (*store.Token, error) {
	var t store.Token
	var created, expires sql.NullString
	if err := row.Scan(&t.ID, &t.Name, &t.Hash, &t.Role, &t.Scope, &created, &expires); err != nil {
		return nil, err
	}
	var err error
	if t.CreatedAt, err = ParseTime(created.String, created.Valid); err != nil {
		return nil, err
	}
	if t.ExpiresAt, err = ParseTime(expires.String, expires.Valid); err != nil {
		return nil, err
	}
	return &t, nil
}

// ScanRuntime reads a runtime's cluster_id, heartbeat, last_heartbeat and
// certificate_not_after.
func ScanRuntime(row Scanner) (store.Runtime, error) {
	var r store.Runtime
	var heartbeat string
	var last, notAfter sql.NullString
	if err := row.Scan(&r.ClusterID, &heartbeat, &last, &notAfter); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(heartbeat), &r.Heartbeat); err != nil {
		return r, fmt.Errorf("decode heartbeat of %s: %w", r.ClusterID, err)
	}
	var err error
	if r.LastHeartbeat, err = ParseTime(last.String, last.Valid); err != nil {
		return r, err
	}
	r.CertificateNotAfter, err = ParseTime(notAfter.String, notAfter.Valid)
	return r, err
}

// ScanPortalSession reads the PortalSessionColumns of one row.
func ScanPortalSession(row Scanner) (*store.PortalSession, error) {
	var s store.PortalSession
	var created, seen string
	if err := row.Scan(&s.IDHash, &s.TokenHash, &s.SealedToken, &s.CSRF, &created, &seen); err != nil {
		return nil, err
	}
	var err error
	if s.CreatedAt, err = ParseTime(created, true); err != nil {
		return nil, err
	}
	if s.LastSeen, err = ParseTime(seen, true); err != nil {
		return nil, err
	}
	return &s, nil
}

// ScanTunnelHolder reads the TunnelHolderColumns of one row; its ClusterID is the record's
// key, the cluster's ID in lower case.
func ScanTunnelHolder(row Scanner) (store.TunnelHolder, error) {
	var h store.TunnelHolder
	err := row.Scan(&h.ClusterID, &h.Replica, &h.PeerURL)
	return h, err
}
