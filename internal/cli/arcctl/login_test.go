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

package arcctl_test

import (
	"net"
	"os"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kubearc/kubearc/internal/cli/config"
)

func TestLogin(t *testing.T) {
	h := startHub(t)
	tests := []struct {
		name       string
		args       []string
		stdin      string
		env        map[string]string
		wantStdout string
		wantErr    []string
	}{
		{name: "token flag", args: []string{"--token", h.AdminToken}, wantStdout: "Logged in to " + h.URL + " as admin (Owner at scope /)"},
		{name: "token from stdin", args: []string{"--token", "-"}, stdin: h.AdminToken + "\n", wantStdout: "Logged in to " + h.URL + " as admin (Owner at scope /)"},
		{name: "token from environment", env: map[string]string{"KUBEARC_TOKEN": h.AdminToken}, wantStdout: "Logged in to " + h.URL + " as admin (Owner at scope /)"},
		{name: "wrong token", args: []string{"--token", "kubearc_not-a-real-token"},
			wantErr: []string{"Error: the hub rejected the token", "not valid or has been revoked"}},
		{name: "no token", wantErr: []string{"Error: no token", "--token -", "KUBEARC_TOKEN"}},
		{name: "empty stdin", args: []string{"--token", "-"}, wantErr: []string{"Error: reading the token from stdin"}},
		{name: "plain http", args: []string{"--token", h.AdminToken, "--hub", strings.Replace(h.URL, "https", "http", 1)},
			wantErr: []string{"must start with https://"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := newUser(t)
			for k, v := range tc.env {
				u.env[k] = v
			}
			args := append([]string{"login", "--hub", h.URL, "--ca-file", h.CAFile, "--subscription", testSub}, tc.args...)
			r := u.runWithInput(tc.stdin, false, args...)
			if tc.wantErr != nil {
				wantFailure(t, r, tc.wantErr...)
				if _, err := os.Stat(u.configPath()); !os.IsNotExist(err) {
					t.Errorf("a failed login left a configuration file (stat: %v)", err)
				}
				return
			}
			if r.code != 0 || !strings.Contains(r.stdout, tc.wantStdout) {
				t.Fatalf("want success with %q\n%s", tc.wantStdout, r)
			}
			checkSavedConfig(t, u.configPath(), h)
		})
	}
}

// checkSavedConfig checks the file's mode and that it holds what later commands need.
func checkSavedConfig(t *testing.T, path string, h *testHub) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("configuration not saved: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("configuration mode = %o, want 600", mode)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg config.Config
	if err := yaml.UnmarshalStrict(data, &cfg); err != nil {
		t.Fatalf("configuration is not the expected YAML: %v\n%s", err, data)
	}
	caPEM, err := os.ReadFile(h.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{Hub: h.URL, Token: h.AdminToken, CertificateAuthorityData: string(caPEM), Subscription: testSub}
	if cfg != want {
		t.Errorf("saved configuration = %+v, want %+v", cfg, want)
	}
}

func TestLoginWithoutTrustedCA(t *testing.T) {
	h := startHub(t)
	u := newUser(t)
	r := u.run("login", "--hub", h.URL, "--token", h.AdminToken)
	wantFailure(t, r, "Error: cannot verify the TLS certificate of the hub", "--ca-file")
}

func TestLoginWithoutHubServing(t *testing.T) {
	h := startHub(t)
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + ln.Addr().String() // a port nothing listens on any more
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	u := newUser(t)
	r := u.run("login", "--hub", closed, "--ca-file", h.CAFile, "--token", h.AdminToken)
	wantFailure(t, r, "Error: cannot reach the hub at "+closed, "connection refused")
}

func TestSavedCAOutlivesItsFile(t *testing.T) {
	h := startHub(t)
	caPEM, err := os.ReadFile(h.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	moved := t.TempDir() + "/ca.pem"
	if err := os.WriteFile(moved, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	u := newUser(t)
	u.mustRun("login", "--hub", h.URL, "--ca-file", moved, "--token", h.AdminToken, "--subscription", testSub)
	if err := os.Remove(moved); err != nil {
		t.Fatal(err)
	}
	if r := u.run("connectedk8s", "list"); r.code != 0 {
		t.Fatalf("list after the CA file was removed:\n%s", r)
	}
}

func TestCommandsNeedLogin(t *testing.T) {
	u := newUser(t)
	wantFailure(t, u.run("connectedk8s", "list"), "Error: not logged in; run 'arcctl login")
}
