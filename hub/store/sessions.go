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

package store

import (
	"context"
	"time"
)

// PortalSession is a browser signed in to the portal, kept in the store so that every hub
// replica knows it. The browser's cookie holds the session's random ID; the store keeps only
// its hash, and the user's hub token only sealed with the hub's data key.
type PortalSession struct {
	// IDHash is the SHA-256 of the session's random ID.
	IDHash []byte
	// TokenHash is the SHA-256 of the user's hub token (as Token.Hash): the sessions of one
	// token share it, for the per-token cap.
	TokenHash []byte
	// SealedToken is the user's hub token sealed with the hub's data key (seal.WithKey).
	SealedToken string
	// CSRF is the session's form token.
	CSRF string
	// CreatedAt is the sign-in; LastSeen the last use written (at most once a minute).
	CreatedAt, LastSeen time.Time
}

// PortalSessionCaps bound the sessions: at most Max of all and PerToken of one token. A new
// session past a cap ends the oldest.
type PortalSessionCaps struct {
	Max, PerToken int
}

// PortalSessions are the portal's signed-in browsers, shared by the hub's replicas.
type PortalSessions interface {
	// CreatePortalSession stores s and, in the same transaction, removes the oldest sessions
	// of its token past caps.PerToken and the oldest of all past caps.Max.
	CreatePortalSession(ctx context.Context, s *PortalSession, caps PortalSessionCaps) error
	// GetPortalSession returns the session whose ID has the SHA-256 idHash, or ErrNotFound.
	GetPortalSession(ctx context.Context, idHash []byte) (*PortalSession, error)
	// TouchPortalSession moves the session's LastSeen to at when that is later; a session
	// that is gone is left gone.
	TouchPortalSession(ctx context.Context, idHash []byte, at time.Time) error
	// DeletePortalSession ends the session; nothing happens when it is gone.
	DeletePortalSession(ctx context.Context, idHash []byte) error
	// PrunePortalSessions removes the sessions last seen at or before lastSeenBy or created
	// at or before createdBy: those idle or signed in too long ago.
	PrunePortalSessions(ctx context.Context, lastSeenBy, createdBy time.Time) error
}
