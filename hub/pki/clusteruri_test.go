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
	"net/url"
	"strings"
	"testing"
)

func TestClusterURIRoundTrip(t *testing.T) {
	u, err := ClusterURI("/SUBSCRIPTIONS/Sub-1/resourcegroups/RG.(eu)_1/providers/microsoft.kubernetes/connectedclusters/Store-042")
	if err != nil {
		t.Fatal(err)
	}
	want := "kubearc:///subscriptions/Sub-1/resourceGroups/RG.%28eu%29_1/providers/Microsoft.Kubernetes/connectedClusters/Store-042"
	if u.String() != want {
		t.Errorf("ClusterURI = %q, want %q", u, want)
	}
	parsed, err := url.Parse(u.String())
	if err != nil {
		t.Fatal(err)
	}
	id, err := ClusterIDFromURI(parsed)
	if wantID := "/subscriptions/Sub-1/resourceGroups/RG.(eu)_1/providers/Microsoft.Kubernetes/connectedClusters/Store-042"; err != nil || id != wantID {
		t.Errorf("ClusterIDFromURI = %q, %v", id, err)
	}
}

func TestClusterIDFromURIRejects(t *testing.T) {
	for _, in := range []string{
		"https:///subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c",
		"kubearc://host/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c",
		"kubearc:///subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c?x=1",
		"kubearc:///subscriptions/s/resourceGroups/g",
		"kubearc:subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if id, err := ClusterIDFromURI(u); err == nil {
			t.Errorf("ClusterIDFromURI(%q) = %q, want an error", in, id)
		}
	}
}

func TestClusterIDFromCertificateErrors(t *testing.T) {
	one, _ := url.Parse("kubearc://" + testClusterID)
	other, _ := url.Parse("spiffe://example.org/agent")
	tests := []struct {
		name    string
		cert    *x509.Certificate
		wantErr string
	}{
		{name: "no certificate", wantErr: "no client certificate"},
		{name: "no cluster URI", cert: &x509.Certificate{URIs: []*url.URL{other}}, wantErr: "no kubearc: URI"},
		{name: "two cluster URIs", cert: &x509.Certificate{URIs: []*url.URL{one, one}}, wantErr: "more than one cluster"},
	}
	for _, tt := range tests {
		if _, err := ClusterIDFromCertificate(tt.cert); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error = %v, want it to contain %q", tt.name, err, tt.wantErr)
		}
	}
	if id, err := ClusterIDFromCertificate(&x509.Certificate{URIs: []*url.URL{other, one}}); err != nil || id != testClusterID {
		t.Errorf("ClusterIDFromCertificate ignoring other URIs = %q, %v", id, err)
	}
}

func TestCommonName(t *testing.T) {
	long := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/production/providers/Microsoft.Kubernetes/connectedClusters/store-042"
	cn := commonName(long)
	if len(cn) != 64 || !strings.HasPrefix(cn, "...") || !strings.HasSuffix(cn, "/store-042") {
		t.Errorf("commonName(long) = %q (%d bytes), want 64 bytes ending in the cluster name", cn, len(cn))
	}
	if short := "/subscriptions/s/resourceGroups/g"; commonName(short) != short {
		t.Errorf("commonName shortened %q", short)
	}
}
