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
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadOrCreateWritesFilesWithModes(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreate(dir, []string{"hub.example.com"}); err != nil {
		t.Fatalf("LoadOrCreate: %v", err)
	}
	want := map[string]os.FileMode{"ca.crt": 0o644, "ca.key": 0o600, "serving.crt": 0o644, "serving.key": 0o600}
	for name, mode := range want {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := info.Mode().Perm(); got != mode {
			t.Errorf("%s mode = %o, want %o", name, got, mode)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		t.Errorf("data directory holds %d files, want %d (no temporary files left): %v", len(entries), len(want), entries)
	}
}

func TestLoadOrCreateKeepsCAAndServingCertificate(t *testing.T) {
	dir := t.TempDir()
	first, err := loadOrCreate(dir, []string{"hub.example.com"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	second, err := loadOrCreate(dir, []string{"HUB.example.com"}, testNow.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if string(first.CAPEM()) != string(second.CAPEM()) {
		t.Error("CA changed on restart")
	}
	if first.ServingCertificate().Leaf.SerialNumber.Cmp(second.ServingCertificate().Leaf.SerialNumber) != 0 {
		t.Error("serving certificate reissued although it was still good")
	}
}

func TestServingCertificateReissue(t *testing.T) {
	tests := []struct {
		name        string
		hosts       []string
		later       time.Duration
		wantReissue bool
	}{
		{name: "same hosts, fresh", hosts: []string{"hub.example.com"}, later: 300 * 24 * time.Hour},
		{name: "subset of hosts", hosts: nil, later: time.Hour},
		{name: "new DNS name", hosts: []string{"hub.example.com", "hub2.example.com"}, later: time.Hour, wantReissue: true},
		{name: "new IP", hosts: []string{"hub.example.com", "10.0.0.7"}, later: time.Hour, wantReissue: true},
		{name: "expires within 30 days", hosts: []string{"hub.example.com"}, later: 340 * 24 * time.Hour, wantReissue: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			first, err := loadOrCreate(dir, []string{"hub.example.com"}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			second, err := loadOrCreate(dir, tt.hosts, testNow.Add(tt.later))
			if err != nil {
				t.Fatal(err)
			}
			reissued := first.ServingCertificate().Leaf.SerialNumber.Cmp(second.ServingCertificate().Leaf.SerialNumber) != 0
			if reissued != tt.wantReissue {
				t.Errorf("reissued = %v, want %v", reissued, tt.wantReissue)
			}
			third, err := loadOrCreate(dir, tt.hosts, testNow.Add(tt.later))
			if err != nil {
				t.Fatal(err)
			}
			if third.ServingCertificate().Leaf.SerialNumber.Cmp(second.ServingCertificate().Leaf.SerialNumber) != 0 {
				t.Error("the reissued certificate was not kept on disk")
			}
		})
	}
}

func TestServingCertificateVerifiesForHosts(t *testing.T) {
	a, err := LoadOrCreate(t.TempDir(), []string{"hub.example.com", "192.0.2.10", " 2001:db8::1 "})
	if err != nil {
		t.Fatal(err)
	}
	leaf := a.ServingCertificate().Leaf
	for _, host := range []string{"hub.example.com", "localhost", "127.0.0.1", "::1", "192.0.2.10", "2001:db8::1"} {
		_, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: a.CAPool()})
		if err != nil {
			t.Errorf("verify serving certificate for %s: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "other.example.com", Roots: a.CAPool()}); err == nil {
		t.Error("serving certificate verified for a host it does not name")
	}
	if ip := net.ParseIP("127.0.0.1"); len(leaf.IPAddresses) < 2 || !containsIP(leaf.IPAddresses, ip) {
		t.Errorf("IP addresses = %v, want 127.0.0.1 among them", leaf.IPAddresses)
	}
	for _, name := range leaf.DNSNames {
		if net.ParseIP(name) != nil {
			t.Errorf("IP %s listed as DNS name", name)
		}
	}
}

func containsIP(ips []net.IP, ip net.IP) bool {
	for _, i := range ips {
		if i.Equal(ip) {
			return true
		}
	}
	return false
}

func TestServingCertificateTLSHandshake(t *testing.T) {
	a, err := LoadOrCreate(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{a.ServingCertificate()}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	go func() {
		conn, err := ln.Accept()
		if err == nil {
			_ = conn.(*tls.Conn).HandshakeContext(t.Context())
			_ = conn.Close()
		}
	}()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(a.CAPEM()) {
		t.Fatal("CAPEM is not a PEM certificate")
	}
	dialer := &tls.Dialer{Config: &tls.Config{RootCAs: pool, ServerName: "localhost"}}
	conn, err := dialer.DialContext(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("TLS handshake with the CA as root: %v", err)
	}
	_ = conn.Close()
}

func TestLoadOrCreateErrors(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		hosts   []string
		wantErr string
	}{
		{name: "CA key missing", setup: func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "ca.key")); err != nil {
				t.Fatal(err)
			}
		}, wantErr: "ca.key is missing"},
		{name: "CA key of another certificate", setup: func(t *testing.T, dir string) {
			other := t.TempDir()
			if _, err := LoadOrCreate(other, nil); err != nil {
				t.Fatal(err)
			}
			key, _ := os.ReadFile(filepath.Join(other, "ca.key"))
			if err := os.WriteFile(filepath.Join(dir, "ca.key"), key, 0o600); err != nil {
				t.Fatal(err)
			}
		}, wantErr: "load hub CA"},
		{name: "host with port", hosts: []string{"hub.example.com:8443"}, wantErr: "without port or scheme"},
		{name: "empty host", hosts: []string{""}, wantErr: "must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := LoadOrCreate(dir, nil); err != nil {
				t.Fatal(err)
			}
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			_, err := LoadOrCreate(dir, tt.hosts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("LoadOrCreate error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestCorruptServingCertificateIsReissued(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreate(dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "serving.crt"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := LoadOrCreate(dir, nil)
	if err != nil {
		t.Fatalf("LoadOrCreate with a corrupt serving certificate: %v", err)
	}
	if _, err := a.ServingCertificate().Leaf.Verify(x509.VerifyOptions{DNSName: "localhost", Roots: a.CAPool()}); err != nil {
		t.Errorf("reissued serving certificate does not verify: %v", err)
	}
}

func TestNewCAReissuesServingCertificate(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreate(dir, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ca.crt", "ca.key"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	a, err := LoadOrCreate(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ServingCertificate().Leaf.Verify(x509.VerifyOptions{DNSName: "localhost", Roots: a.CAPool()}); err != nil {
		t.Errorf("serving certificate not reissued by the new CA: %v", err)
	}
}
