// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheckAddress(t *testing.T) {
	for _, tt := range []struct {
		address       string
		allowLoopback bool
		allowed       bool
	}{
		{"93.184.215.14:443", false, true},
		{"[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:443", false, true},
		{"127.0.0.1:443", false, false},
		{"127.0.0.1:443", true, true},
		{"[::1]:443", false, false},
		{"[::ffff:127.0.0.1]:443", false, false},
		{"169.254.169.254:80", false, false},
		{"169.254.169.254:80", true, false},
		{"[fe80::1]:443", false, false},
		{"10.0.0.1:443", true, false},
		{"172.16.5.4:443", false, false},
		{"192.168.1.1:443", false, false},
		{"[fd00::1]:443", false, false},
		{"0.0.0.0:443", false, false},
		{"[::]:443", false, false},
		{"224.0.0.1:443", false, false},
		{"100.100.100.200:80", false, false},
		{"not-an-address", false, false},
	} {
		err := checkAddress(tt.address, tt.allowLoopback)
		if (err == nil) != tt.allowed || err != nil && !errors.Is(err, errAddressNotAllowed) {
			t.Errorf("checkAddress(%s, loopback %v) = %v, want allowed %v", tt.address, tt.allowLoopback, err, tt.allowed)
		}
	}
}

// TestFetchRefusesWhatIsNotPublic: the fetcher as the hub runs it refuses plain http and
// loopback (the hub itself), also behind a redirect, and says so without the server's words.
func TestFetchRefusesWhatIsNotPublic(t *testing.T) {
	var hits int
	secret := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits++
		_, _ = w.Write([]byte(labelsTemplate))
	}))
	defer secret.Close()
	secretTLS := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits++
		_, _ = w.Write([]byte(labelsTemplate))
	}))
	defer secretTLS.Close()

	production := &Fetcher{}
	for _, tt := range []struct{ url, want string }{
		{secret.URL + "/t.yaml", "must be an https URL"},
		{secretTLS.URL + "/t.yaml", "resolves to an address the hub does not fetch from (loopback"},
		{"https://localhost:" + strings.Split(secretTLS.URL, ":")[2] + "/t.yaml", "resolves to an address the hub does not fetch from"},
		{"https://169.254.169.254/metadata/instance", "resolves to an address the hub does not fetch from"},
		{"https://[::1]:1/t.yaml", "resolves to an address the hub does not fetch from"},
	} {
		_, err := production.Fetch(context.Background(), tt.url)
		wantInvalid(t, tt.url, err, tt.want)
	}
	if hits != 0 {
		t.Errorf("the loopback servers were reached %d times, want none", hits)
	}

	// With plain http allowed but not loopback, the address check alone refuses it.
	_, err := (&Fetcher{AllowHTTP: true}).Fetch(context.Background(), secret.URL+"/t.yaml")
	wantInvalid(t, "http loopback without the opt-in", err, "does not fetch from")
}

// TestFetchWithTheTestOptIn: with loopback and http allowed (tests only), the fetch works,
// follows at most three redirects, refuses a redirect to another scheme, and quotes only the
// status code of a failed answer.
func TestFetchWithTheTestOptIn(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/t.yaml", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(labelsTemplate)) })
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		next := map[string]string{"1": "/t.yaml", "2": "/hop/1", "3": "/hop/2", "4": "/hop/3"}[r.PathValue("n")]
		http.Redirect(w, r, next, http.StatusFound)
	})
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/t.yaml", http.StatusFound)
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Internal", "secret")
		http.Error(w, "internal detail: db at 10.1.2.3", http.StatusNotFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := &Fetcher{AllowLoopback: true, AllowHTTP: true}

	if got, err := f.Fetch(context.Background(), srv.URL+"/hop/3"); err != nil || got != labelsTemplate {
		t.Errorf("three redirects: %q, %v; want the template", got, err)
	}
	_, err := f.Fetch(context.Background(), srv.URL+"/hop/4")
	wantInvalid(t, "four redirects", err, "it redirects more than 3 times")
	_, err = f.Fetch(context.Background(), srv.URL+"/file")
	wantInvalid(t, "a redirect to ftp", err, "it redirects to a URL that is not http or https")
	_, err = f.Fetch(context.Background(), srv.URL+"/gone")
	wantInvalid(t, "a 404", err, "which answered HTTP 404, not 200")
	if err != nil && (strings.Contains(err.Error(), "internal detail") || strings.Contains(err.Error(), "Not Found")) {
		t.Errorf("a 404: %v, want only the status code of the remote answer", err)
	}
}
