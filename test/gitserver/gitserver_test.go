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

package gitserver

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommitThenClone pushes two commits through the server and clones them back with the
// git CLI, as a Git client such as Flux would.
func TestCommitThenClone(t *testing.T) {
	ctx := context.Background()
	s, err := Start(t.TempDir())
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Close()
	if err := s.CreateRepo(ctx, "config"); err != nil {
		t.Fatalf("CreateRepo: %v", err)
	}
	first, err := s.Commit(ctx, "config", "add a config map", map[string]string{"apps/cm.yaml": "kind: ConfigMap\n"})
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	second, err := s.Commit(ctx, "config", "replace it", map[string]string{"apps/other.yaml": "kind: Secret\n"}, "apps/cm.yaml")
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if len(second) != 40 || second == first {
		t.Fatalf("commit SHAs %q then %q: want two different full SHAs", first, second)
	}

	clone := filepath.Join(t.TempDir(), "clone")
	out, err := exec.CommandContext(ctx, "git", "clone", "--branch", "main", s.RepoURL("config"), clone).CombinedOutput()
	if err != nil {
		t.Fatalf("git clone %s: %v: %s", s.RepoURL("config"), err, out)
	}
	head, err := exec.CommandContext(ctx, "git", "-C", clone, "rev-parse", "HEAD").Output()
	if err != nil || strings.TrimSpace(string(head)) != second {
		t.Errorf("cloned HEAD = %q (%v), want %s", head, err, second)
	}
	if _, err := os.Stat(filepath.Join(clone, "apps", "cm.yaml")); !os.IsNotExist(err) {
		t.Errorf("apps/cm.yaml is still in the clone (%v); the second commit removed it", err)
	}
	if content, err := os.ReadFile(filepath.Join(clone, "apps", "other.yaml")); err != nil || string(content) != "kind: Secret\n" {
		t.Errorf("apps/other.yaml = %q (%v), want the committed content", content, err)
	}
}

// TestBasicAuth refuses a clone without the credentials and accepts one with them.
func TestBasicAuth(t *testing.T) {
	ctx := context.Background()
	s, err := Start(t.TempDir(), WithBasicAuth("flux", "s3cret"))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Close()
	if err := s.CreateRepo(ctx, "private"); err != nil {
		t.Fatalf("CreateRepo: %v", err)
	}
	if _, err := s.Commit(ctx, "private", "first", map[string]string{"a.yaml": "a: 1\n"}); err != nil {
		t.Fatalf("Commit through the authenticated server: %v", err)
	}
	clone := func(url string) error {
		cmd := exec.CommandContext(ctx, "git", "clone", url, filepath.Join(t.TempDir(), "clone"))
		cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=true")
		return cmd.Run()
	}
	if err := clone(s.RepoURL("private")); err == nil {
		t.Error("a clone without credentials succeeded, want 401")
	}
	withAuth := strings.Replace(s.RepoURL("private"), "http://", "http://flux:s3cret@", 1)
	if err := clone(withAuth); err != nil {
		t.Errorf("a clone with the credentials failed: %v", err)
	}
}
