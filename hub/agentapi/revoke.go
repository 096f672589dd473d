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

package agentapi

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
)

// revalidateTimeout bounds the store read that decides whether a cluster's open streams
// may go on after a change of the cluster.
const revalidateTimeout = 5 * time.Second

// StreamContext returns the context for a long-lived stream opened by a request AgentOnly
// admitted. It ends with the request's, when the client certificate expires, and as soon as
// the cluster is deleted or gets another agent key; release must be called when the stream
// ends. The watch stream and the cluster connect tunnel hold one; any later agent stream
// (a log follow) should too. When the cluster was deleted the cause is errClusterDeleted
// (see Draining): a watch first sends the deletions.
func (a *API) StreamContext(r *http.Request) (ctx context.Context, release func()) {
	a.setup()
	cert := r.TLS.PeerCertificates[0] // AgentOnly admitted it
	cluster, id := clusterFrom(r.Context()), keyID(cert.PublicKey)
	held, releaseHeld := a.Revocations.Hold(r.Context(), auth.Credential{Subject: cluster, Key: id, NotAfter: cert.NotAfter})
	ctx, cut := context.WithCancelCause(held)
	// A change committed after the request was admitted but before the hold was taken
	// revoked nothing: look once more (the key cache is dropped before revocations run).
	key, err := a.loadAgentKey(ctx, cluster)
	switch {
	case isNotFound(err):
		cut(errClusterDeleted)
	case err != nil || id == "" || registeredKeyID(key) != id:
		cut(auth.ErrRevoked)
	}
	return ctx, func() {
		cut(context.Canceled)
		releaseHeld()
	}
}

// errClusterDeleted ends the streams of a deleted cluster. It is a revocation, but a watch
// sends the changes up to the deletion before it ends (drain, then close), so that the
// agent learns that its objects are gone: it never removes anything on silence.
var errClusterDeleted = fmt.Errorf("the cluster was deleted: %w", auth.ErrRevoked)

// Draining reports whether a StreamContext ended because the cluster was deleted: the
// stream may still deliver what was committed up to the deletion, then must end.
func Draining(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errClusterDeleted)
}

// revalidate ends the open streams of clusterID that its credential no longer admits: all
// of them when the cluster is gone (with errClusterDeleted), those of older keys when it has
// another agent key. When the check cannot be made it ends them all (fail closed): the
// agents reconnect and are admitted again if they still may.
func (a *API) revalidate(clusterID string) {
	if !a.Revocations.Holds(clusterID) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), revalidateTimeout)
	defer cancel()
	key, err := a.readAgentKey(ctx, clusterID)
	cause := auth.ErrRevoked
	switch {
	case isNotFound(err):
		// The read saw the deletion committed: a watch's read after this signal has its
		// DELETED events (the store keeps a deleted cluster's desired objects as tombstones).
		key, cause = "", errClusterDeleted
	case err != nil:
		a.Log.Error("Checking the open streams of a changed cluster failed; closing them", "cluster", clusterID, "error", err)
		key = ""
	}
	current := registeredKeyID(key)
	keep := func(k string) bool { return current != "" && k == current }
	if n := a.Revocations.RevokeWithCause(clusterID, keep, cause); n > 0 {
		a.Log.Info("Closed the open streams of a deleted or re-keyed cluster", "cluster", clusterID, "streams", n)
	}
}

// keyID identifies a public key: the SHA-256 of its PKIX DER encoding; empty when it has
// none.
func keyID(pub crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// registeredKeyID is the keyID of a cluster's agentPublicKeyCertificate; empty when it
// cannot be parsed.
func registeredKeyID(agentPublicKey string) string {
	pub, err := agentpubkey.Parse(agentPublicKey)
	if err != nil {
		return ""
	}
	return keyID(pub)
}

// writeRevoked answers a stream request whose credential was revoked, or expired, while it
// was being admitted.
func writeRevoked(ctx context.Context, w http.ResponseWriter) {
	if errors.Is(context.Cause(ctx), auth.ErrExpired) {
		writeError(w, http.StatusUnauthorized, "CertificateExpired", "the client certificate expired; register again with the agent key")
		return
	}
	writeError(w, http.StatusForbidden, "ClusterCredentialRevoked", "the certificate's cluster no longer exists or has another agent key; register again")
}
