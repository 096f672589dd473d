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

package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSaveAndLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new-dir", "config.yaml")
	if _, err := Load(path); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("Load of a missing file = %v, want ErrNotLoggedIn", err)
	}
	want := &Config{Hub: "https://hub:8443", Token: "kubearc_x", CertificateAuthorityData: "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n", Subscription: "s"}
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	for p, mode := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		info, err := os.Stat(p)
		if err != nil || info.Mode().Perm() != mode {
			t.Errorf("%s: mode %v (err %v), want %o", p, info.Mode().Perm(), err, mode)
		}
	}
	got, err := Load(path)
	if err != nil || *got != *want {
		t.Fatalf("Load = %+v, %v, want %+v", got, err, want)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("the directory holds %d files, want only the configuration (no temp files)", len(entries))
	}
}

func TestLoadRejectsBrokenFiles(t *testing.T) {
	for name, content := range map[string]string{
		"unknown field": "hub: https://h\ntoken: t\nhubb: x\n",
		"no token":      "hub: https://h\n",
		"not yaml":      "hub: [\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(path); err == nil {
				t.Errorf("Load accepted %q", content)
			}
		})
	}
}

func TestPath(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	if p, _ := Path("/flag.yaml", env("/env.yaml")); p != "/flag.yaml" {
		t.Errorf("Path with --config = %s, want the flag", p)
	}
	if p, _ := Path("", env("/env.yaml")); p != "/env.yaml" {
		t.Errorf("Path with %s = %s, want the environment's", EnvPath, p)
	}
	t.Setenv("HOME", "/home/someone")
	if p, _ := Path("", env("")); p != "/home/someone/.kubearc/config.yaml" {
		t.Errorf("default Path = %s, want ~/.kubearc/config.yaml", p)
	}
}
