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
	"crypto/x509"
	"errors"
	"net/http"

	"github.com/kubearc/kubearc/hub/pki"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// register issues a client certificate to whoever proves possession of the cluster's agent
// key: the CSR must be signed with it. It works the same for a first registration, a renewal
// and a re-registration after the certificate expired. Being unauthenticated, it does not
// tell whether a cluster exists: the CSR is checked before the cluster is looked up, and an
// unknown cluster gets the same answer as a known one with another key.
func (a *API) register(w http.ResponseWriter, r *http.Request) {
	var req protocol.RegisterRequest
	if !decode(w, r, &req) {
		return
	}
	id, err := armid.ParseClusterID(req.ResourceID)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidResourceID", err.Error())
		return
	}
	if err := pki.CheckCSR(req.CSR); err != nil {
		a.writeRegistrationError(w, id, err)
		return
	}
	key, err := a.loadAgentKey(r.Context(), id.String())
	if err == nil {
		var resp protocol.RegisterResponse
		if resp, err = a.Authority.IssueAgentCertificate(req.CSR, id.String(), key, a.certLifetime(), a.now()); err == nil {
			a.Tracker.SetCertificate(id.String(), resp.NotAfter)
			a.Log.Info("Agent registered", "cluster", id.String(), "notAfter", resp.NotAfter)
			writeJSON(w, http.StatusOK, resp)
			return
		}
	}
	a.writeRegistrationError(w, id, err)
}

// writeRegistrationError answers a failed registration. No cluster and a cluster with another
// agent key are one answer, which names only the ID the caller sent.
func (a *API) writeRegistrationError(w http.ResponseWriter, id armid.ClusterID, err error) {
	switch {
	case errors.Is(err, pki.ErrBadCSR):
		writeError(w, http.StatusBadRequest, "InvalidCSR", err.Error())
	case errors.Is(err, pki.ErrSignatureInvalid):
		writeError(w, http.StatusForbidden, "ProofOfPossessionFailed", err.Error())
	case isNotFound(err), errors.Is(err, pki.ErrKeyMismatch):
		writeError(w, http.StatusNotFound, "ClusterNotFound", "no connectedCluster "+id.String()+
			" with this agent key on this hub; create it, or connect the cluster again with this key (arcctl connectedk8s connect)")
	default:
		a.writeInternal(w, err)
	}
}

type clusterKey struct{}

// clusterFrom returns the ARM ID of the cluster whose agent made the request.
func clusterFrom(ctx context.Context) string {
	id, _ := ctx.Value(clusterKey{}).(string)
	return id
}

// agentOnly admits requests with a valid client certificate (the TLS layer verified its
// chain) whose key is still the cluster's registered agent key: a deleted and re-created
// cluster, or a rotated key, makes older certificates worthless.
func (a *API) agentOnly(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			writeError(w, http.StatusUnauthorized, "ClientCertificateRequired", "present the client certificate from "+protocol.PathRegister)
			return
		}
		id, err := a.checkCertificate(r.Context(), r.TLS.PeerCertificates)
		var refused *refusal
		switch {
		case errors.As(err, &refused):
			writeError(w, refused.status, refused.code, refused.message)
			return
		case err != nil:
			a.writeInternal(w, err)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), clusterKey{}, id)))
	})
}

// refusal is why a client certificate is refused, as the agent API answers it.
type refusal struct {
	status        int
	code, message string
}

func (r *refusal) Error() string { return r.message }

// checkCertificate returns the cluster of a client certificate chain that is valid now, was
// issued by this hub and holds its cluster's current agent key; a *refusal when it is not,
// another error when that cannot be told.
func (a *API) checkCertificate(ctx context.Context, chain []*x509.Certificate) (string, error) {
	cert := chain[0]
	if a.now().After(cert.NotAfter) { // a connection can outlive the certificate it began with
		return "", &refusal{http.StatusUnauthorized, "CertificateExpired", "the client certificate expired; register again with the agent key"}
	}
	if err := a.verifyChain(chain); err != nil {
		return "", &refusal{http.StatusUnauthorized, "InvalidClientCertificate",
			"the client certificate was not issued by this hub (was the agent moved to another hub?); register again with the agent key"}
	}
	id, err := pki.ClusterIDFromCertificate(cert)
	if err != nil {
		return "", &refusal{http.StatusUnauthorized, "InvalidClientCertificate", err.Error()}
	}
	key, err := a.loadAgentKey(ctx, id)
	if isNotFound(err) || (err == nil && !pki.SameKey(cert, key)) {
		return "", &refusal{http.StatusForbidden, "ClusterCredentialRevoked", "the certificate's cluster no longer exists or has another agent key; register again"}
	}
	return id, err
}

// verifyChain checks that the client certificate was issued by this hub's CA for client
// authentication. The TLS layer only requests client certificates: refusing a foreign one
// there would end the connection with a TLS alert the agent cannot tell from a network
// failure, where this 401 tells it to register again.
func (a *API) verifyChain(chain []*x509.Certificate) error {
	return a.Authority.VerifyClientChain(chain, a.now())
}

func (a *API) heartbeat(w http.ResponseWriter, r *http.Request) {
	var hb protocol.Heartbeat
	if !a.decodeReport(w, r, &hb) {
		return
	}
	if err := hb.Validate(); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidHeartbeat", "the heartbeat is invalid: "+err.Error())
		return
	}
	status := a.Tracker.Heartbeat(clusterFrom(r.Context()), hb)
	writeJSON(w, http.StatusOK, protocol.HeartbeatResponse{ConnectivityStatus: string(status)})
}

// status stores a report of the agent's own cluster (statusUpdate) and hands every item to
// the status hook, stored or not. A report is checked whole before any of it is stored: one
// bad item, or one over a limit, refuses the report.
func (a *API) status(w http.ResponseWriter, r *http.Request) {
	var report protocol.StatusReport
	if !a.decodeReport(w, r, &report) {
		return
	}
	if err := report.Validate(a.Limits.maxStatusItems()); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidStatus", "the status report is invalid: "+err.Error())
		return
	}
	cluster := clusterFrom(r.Context())
	err := a.Store.PutStatuses(r.Context(), cluster, a.statusUpdate(report.Items))
	var limit *store.StatusLimitError
	switch {
	case errors.As(err, &limit) && limit.ClusterOwned:
		writeError(w, http.StatusBadRequest, "TooManyClusterOwnedObjects", "the status report is refused: "+limit.Error())
		return
	case errors.As(err, &limit):
		writeError(w, http.StatusBadRequest, "TooManyStatuses", "the status report is refused: "+limit.Error())
		return
	case isNotFound(err): // deleted since the request was admitted
		writeError(w, http.StatusForbidden, "ClusterCredentialRevoked", "the cluster no longer exists")
		return
	case err != nil:
		a.writeInternal(w, err)
		return
	}
	if a.StatusHook != nil {
		if err := a.StatusHook(r.Context(), cluster, report.Items); err != nil {
			a.Log.Error("Acting on a status report failed", "cluster", cluster, "error", err)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) desiredState(w http.ResponseWriter, r *http.Request) {
	state, err := a.Store.DesiredState(r.Context(), clusterFrom(r.Context()))
	if err != nil {
		a.writeInternal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, state)
}
