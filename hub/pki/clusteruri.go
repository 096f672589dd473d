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

package pki

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"

	"github.com/kubearc/kubearc/pkg/armid"
)

// URIScheme is the scheme of the URI SAN that names an agent's connectedCluster.
const URIScheme = "kubearc"

// ClusterURI returns the URI SAN naming a connectedCluster: scheme kubearc, no host, and the
// cluster's canonical ARM ID as path, e.g.
// kubearc:///subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c.
// The path is percent-encoded as RFC 3986 wants: parentheses, allowed in resource group names,
// appear as %28 and %29; ClusterIDFromURI decodes them.
func ClusterURI(clusterID string) (*url.URL, error) {
	id, err := armid.ParseClusterID(clusterID)
	if err != nil {
		return nil, err
	}
	return &url.URL{Scheme: URIScheme, Path: id.String()}, nil
}

// ClusterIDFromURI is the inverse of ClusterURI: it returns the canonical ARM ID.
func ClusterIDFromURI(u *url.URL) (string, error) {
	if u.Scheme != URIScheme || u.Host != "" || u.User != nil || u.Opaque != "" ||
		u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("URI %q is not a cluster URI (%s:///subscriptions/.../connectedClusters/{name})", u, URIScheme)
	}
	id, err := armid.ParseClusterID(u.Path)
	if err != nil {
		return "", fmt.Errorf("cluster URI %q: %w", u, err)
	}
	return id.String(), nil
}

// ClusterIDFromCertificate returns the connectedCluster ARM ID an agent's client certificate
// names. It does not verify the certificate: the TLS handshake does that against CAPool.
func ClusterIDFromCertificate(cert *x509.Certificate) (string, error) {
	if cert == nil {
		return "", errors.New("no client certificate")
	}
	var found *url.URL
	for _, u := range cert.URIs {
		if u.Scheme != URIScheme {
			continue
		}
		if found != nil {
			return "", errors.New("client certificate names more than one cluster")
		}
		found = u
	}
	if found == nil {
		return "", fmt.Errorf("client certificate has no %s: URI naming a cluster", URIScheme)
	}
	return ClusterIDFromURI(found)
}
