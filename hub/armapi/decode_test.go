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

package armapi

import (
	"errors"
	"net/http"
	"testing"
)

func TestCanonicalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/SUBSCRIPTIONS/Sub/resourcegroups/RG/PROVIDERS/microsoft.kubernetes/CONNECTEDCLUSTERS/Name",
			"/subscriptions/Sub/resourceGroups/RG/providers/Microsoft.Kubernetes/connectedClusters/Name"},
		// Names that happen to spell a keyword keep their case.
		{"/subscriptions/Providers/resourceGroups/ConnectedClusters/providers/Microsoft.Kubernetes/connectedClusters/resourcegroups",
			"/subscriptions/Providers/resourceGroups/ConnectedClusters/providers/Microsoft.Kubernetes/connectedClusters/resourcegroups"},
		{"/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c/LISTCLUSTERUSERCREDENTIAL",
			"/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c/listClusterUserCredential"},
		{"/", "/"},
		{"", ""},
	}
	canonical := newCanonicalizer()
	for _, tt := range tests {
		if got := canonical.path(tt.in); got != tt.want {
			t.Errorf("canonicalPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzDecodeCluster feeds arbitrary bodies through the PUT decoding and validation: whatever
// arrives, the answer is a 400 ARM error or a valid cluster, never a panic or a 500.
func FuzzDecodeCluster(f *testing.F) {
	f.Add([]byte(`{"location":"westeurope","identity":{"type":"SystemAssigned"},"properties":{"agentPublicKeyCertificate":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"}}`))
	f.Add([]byte(`{"location":5}`))
	f.Add([]byte(`{"tags":{"a":"b"},"kind":"AWS","properties":{"arcAgentProfile":{"agentAutoUpgrade":"x"}}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"properties":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var c connectedCluster
		err := decodeJSON(body, &c)
		if err == nil {
			err = validateCluster(&c)
		}
		var ae *armError
		if err != nil && (!errors.As(err, &ae) || ae.status != http.StatusBadRequest || ae.message == "") {
			t.Fatalf("body %q: error %v is not a 400 ARM error", body, err)
		}
		if err == nil && (c.Properties == nil || c.Identity == nil || c.Location == "") {
			t.Fatalf("body %q was accepted without a required property", body)
		}
	})
}
