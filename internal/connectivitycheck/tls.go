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

package connectivitycheck

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Thresholds of the checks.
const (
	// ExpiryWarning is how close to its expiry a certificate gets a warning.
	ExpiryWarning = 14 * 24 * time.Hour
	// SkewWarning and SkewFailure are the clock skews against the hub that get a warning and
	// a failure: past a few minutes, certificates the hub just issued are not valid yet.
	SkewWarning = 30 * time.Second
	SkewFailure = 5 * time.Minute
)

// tls reports the hub's certificate as the agent's handshake verified it, or why it failed.
func (c *Checker) tls(p *path, pr probe) protocol.ConnectivityCheck {
	if pr.err != nil {
		return c.result(protocol.CheckTLS, protocol.CheckFailed, pr.took, tlsFailure(p, pr.err))
	}
	state := pr.res.TLS
	if state == nil || len(state.PeerCertificates) == 0 {
		return c.result(protocol.CheckTLS, protocol.CheckFailed, pr.took, "The hub "+p.hubAddr+" answered without TLS; "+p.hubField+" must be the hub's https URL")
	}
	leaf := state.PeerCertificates[0]
	left := leaf.NotAfter.Sub(c.now())
	msg := fmt.Sprintf("The hub's certificate for %s is valid and trusted (issuer %q), until %s; %s",
		p.hub.Hostname(), leaf.Issuer.CommonName, leaf.NotAfter.UTC().Format(time.RFC3339), tls.VersionName(state.Version))
	if left < ExpiryWarning {
		return c.result(protocol.CheckTLS, protocol.CheckWarning, pr.took, msg+fmt.Sprintf(
			"; it expires in %s: renew the hub's serving certificate before then", left.Round(time.Hour)))
	}
	return c.result(protocol.CheckTLS, protocol.CheckPassed, pr.took, msg)
}

// tlsFailure explains a failed request to the hub as far as TLS goes.
func tlsFailure(p *path, err error) string {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return "The hub's certificate is not signed by a CA the agent trusts: put the hub's CA in the Secret spec.hubCASecretRef names (key ca.crt), " +
			"or check that no proxy intercepts TLS"
	case errors.As(err, &host):
		return fmt.Sprintf("The hub's certificate is not valid for %s (%v): use in %s a URL the certificate names, or add the name to the hub's --hosts", p.hub.Hostname(), err, p.hubField)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return fmt.Sprintf("The hub's certificate is expired or not yet valid (%s): renew the hub's serving certificate, or correct the clock that is wrong (see ClockSkew)", invalid.Detail)
	case isCertificateError(err):
		return fmt.Sprintf("The hub's certificate was refused: %v", err)
	case isHandshakeError(err):
		return fmt.Sprintf("The TLS handshake with the hub %s failed: %v; check that %s is the hub's https address", p.hubAddr, err, p.hubField)
	}
	return fmt.Sprintf("No TLS handshake: the hub %s could not be reached (%v); see the DNS, TCP and Proxy checks", p.hubAddr, err)
}

func isCertificateError(err error) bool {
	var verification *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verification) || errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid)
}

// isHandshakeError reports a TLS error other than a certificate's: an alert, a peer that
// does not speak TLS.
func isHandshakeError(err error) bool {
	var alert tls.AlertError
	var record tls.RecordHeaderError
	return errors.As(err, &alert) || errors.As(err, &record) || strings.Contains(err.Error(), "tls: ")
}

// clockSkew compares the agent's clock with the hub's Date header, taken halfway through
// the request. The header has whole seconds, so a skew below about a second is not seen.
func (c *Checker) clockSkew(pr probe) protocol.ConnectivityCheck {
	if pr.err != nil || pr.res.HubTime.IsZero() {
		return c.result(protocol.CheckClockSkew, protocol.CheckWarning, 0,
			"Not measured: the hub did not answer (see the checks above)")
	}
	mid := pr.res.Sent.Add(pr.res.Received.Sub(pr.res.Sent) / 2)
	skew := pr.res.HubTime.Add(500 * time.Millisecond).Sub(mid).Round(time.Second)
	abs, ahead := skew, "behind"
	if skew < 0 {
		abs, ahead = -skew, "ahead of"
	}
	msg := fmt.Sprintf("The agent's clock is %s %s the hub's", abs, ahead)
	switch {
	case abs > SkewFailure:
		return c.result(protocol.CheckClockSkew, protocol.CheckFailed, 0, msg+
			": certificates look expired or not yet valid to one side; synchronise the clocks of the cluster's nodes and the hub (NTP)")
	case abs > SkewWarning:
		return c.result(protocol.CheckClockSkew, protocol.CheckWarning, 0, msg+"; synchronise the clocks (NTP) before it grows")
	}
	return c.result(protocol.CheckClockSkew, protocol.CheckPassed, 0, msg)
}
