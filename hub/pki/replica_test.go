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
	"strings"
	"testing"
	"time"
)

func TestReplicaCertificate(t *testing.T) {
	now := time.Now()
	a, err := loadOrCreate(t.TempDir(), nil, now)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := a.IssueReplicaCertificate("hub-0", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	chain := []*x509.Certificate{cert.Leaf}
	if id, err := a.ReplicaOf(chain, now); err != nil || id != "hub-0" {
		t.Errorf("ReplicaOf = %q, %v; want hub-0", id, err)
	}
	if _, err := a.ReplicaOf(chain, now.Add(2*time.Hour)); err == nil {
		t.Error("an expired replica certificate was accepted")
	}
	other, err := loadOrCreate(t.TempDir(), nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.ReplicaOf(chain, now); err == nil {
		t.Error("another hub's CA accepted the replica certificate")
	}
	if _, err := ClusterIDFromCertificate(cert.Leaf); err == nil {
		t.Error("a replica certificate names a cluster")
	}
	if _, err := a.IssueReplicaCertificate("bad/id", time.Hour, now); err == nil || !strings.Contains(err.Error(), "letters, digits") {
		t.Errorf("a bad replica ID: %v, want an error saying what an ID holds", err)
	}
}

func TestAgentCertificateIsNoReplica(t *testing.T) {
	now := time.Now()
	a := newAuthority(t)
	uri, err := ClusterURI("/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := a.sign(agentTemplate(uri, now.Add(-time.Minute), now.Add(time.Hour)), newECKey(t).Public())
	if err != nil {
		t.Fatal(err)
	}
	if id, err := a.ReplicaOf([]*x509.Certificate{cert}, now); err == nil {
		t.Errorf("an agent certificate passed as replica %q", id)
	}
}
