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
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// clientCertificate checks the agent's own client certificate: present, for the agent's
// key, within its validity, and not past the point it should have been renewed.
func (c *Checker) clientCertificate(t Target) protocol.ConnectivityCheck {
	if len(t.CertificatePEM) == 0 {
		return c.result(protocol.CheckClientCertificate, protocol.CheckWarning, 0,
			"The agent holds no client certificate yet: it registers with the hub first (see the ArcConnection's Registered condition)")
	}
	block, _ := pem.Decode(t.CertificatePEM)
	var cert *x509.Certificate
	var err error
	if block != nil {
		cert, err = x509.ParseCertificate(block.Bytes)
	}
	if block == nil || err != nil {
		return c.result(protocol.CheckClientCertificate, protocol.CheckFailed, 0,
			"The agent's stored client certificate cannot be read: the agent registers again with its agent key")
	}
	if pub, ok := publicKey(t).(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(cert.PublicKey) {
		return c.result(protocol.CheckClientCertificate, protocol.CheckFailed, 0,
			"The agent's client certificate is not for its agent key (the key Secret was replaced): the agent registers again")
	}
	return c.certificateValidity(cert)
}

func publicKey(t Target) crypto.PublicKey {
	if t.Options.Key == nil {
		return nil
	}
	return t.Options.Key.Public()
}

func (c *Checker) certificateValidity(cert *x509.Certificate) protocol.ConnectivityCheck {
	now := c.now()
	from, until := cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339)
	renewAt := cert.NotBefore.Add(cert.NotAfter.Sub(cert.NotBefore) * 2 / 3)
	switch {
	case now.Before(cert.NotBefore):
		return c.result(protocol.CheckClientCertificate, protocol.CheckFailed, 0, fmt.Sprintf(
			"The agent's client certificate is not valid before %s, later than the agent's clock: the cluster's clock is behind the hub's; synchronise it (NTP)", from))
	case !now.Before(cert.NotAfter):
		return c.result(protocol.CheckClientCertificate, protocol.CheckFailed, 0, fmt.Sprintf(
			"The agent's client certificate expired at %s: the agent registers again with its agent key; if the Registered condition stays False, connect the cluster again", until))
	case !now.Before(renewAt):
		return c.result(protocol.CheckClientCertificate, protocol.CheckWarning, 0, fmt.Sprintf(
			"The agent's client certificate (valid until %s) is past its renewal time %s: the agent renews it at its next heartbeat; see the Registered condition if it stays so",
			until, renewAt.UTC().Format(time.RFC3339)))
	}
	return c.result(protocol.CheckClientCertificate, protocol.CheckPassed, 0, fmt.Sprintf(
		"The agent's client certificate is valid from %s until %s; the agent renews it from %s", from, until, renewAt.UTC().Format(time.RFC3339)))
}
