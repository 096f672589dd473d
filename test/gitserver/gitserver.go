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

// Package gitserver serves Git repositories over HTTP for tests, with the real
// `git http-backend` behind net/http/cgi: Flux's source-controller clones from it as from
// any Git host, and tests push commits to it with the git CLI.
package gitserver

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Server is a Git HTTP server over a directory of bare repositories.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string

	user, password string
	git            string
	root           string // bare repositories: <root>/<name>.git
	work           string // working trees the helpers commit from: <work>/<name>
	http           *httptest.Server
}

// Option configures a Server.
type Option func(*Server)

// WithBasicAuth makes the server answer only requests with this HTTP basic-auth user and
// password (401 otherwise), as a private repository would.
func WithBasicAuth(user, password string) Option {
	return func(s *Server) { s.user, s.password = user, password }
}

// Start serves the bare repositories under dir (created as needed) on a local port. dir is
// usually a test's TempDir. Close stops the server.
func Start(dir string, opts ...Option) (*Server, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("the git CLI is needed to serve repositories (install git): %w", err)
	}
	s := &Server{git: git, root: filepath.Join(dir, "repos"), work: filepath.Join(dir, "work")}
	for _, opt := range opts {
		opt(s)
	}
	for _, d := range []string{s.root, s.work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating %s: %w", d, err)
		}
	}
	s.http = httptest.NewServer(s.handler())
	s.URL = s.http.URL
	return s, nil
}

// handler runs `git http-backend` as a CGI program for every request, which serves clones
// and fetches (smart HTTP) and, as http.receivepack is on, pushes.
func (s *Server) handler() http.Handler {
	backend := &cgi.Handler{
		Path: s.git,
		Args: []string{"http-backend"},
		Env: []string{
			"GIT_PROJECT_ROOT=" + s.root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1",
			"HOME=" + s.root,
		},
	}
	if s.user == "" {
		return backend
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, password, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.user)) != 1 ||
			subtle.ConstantTimeCompare([]byte(password), []byte(s.password)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	})
}

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// RepoURL is the clone URL of the repository name.
func (s *Server) RepoURL(name string) string { return s.URL + "/" + name + ".git" }

// pushURL is RepoURL with the credentials, for the helpers' own pushes.
func (s *Server) pushURL(name string) string {
	if s.user == "" {
		return s.RepoURL(name)
	}
	u, err := url.Parse(s.RepoURL(name))
	if err != nil {
		return s.RepoURL(name)
	}
	u.User = url.UserPassword(s.user, s.password)
	return u.String()
}

// CreateRepo creates an empty bare repository whose default branch is main, and a working
// tree for Commit.
func (s *Server) CreateRepo(ctx context.Context, name string) error {
	bare := filepath.Join(s.root, name+".git")
	if _, err := s.run(ctx, "", "init", "--bare", "--initial-branch=main", bare); err != nil {
		return err
	}
	if _, err := s.run(ctx, bare, "config", "http.receivepack", "true"); err != nil {
		return err
	}
	work := filepath.Join(s.work, name)
	if _, err := s.run(ctx, "", "init", "--initial-branch=main", work); err != nil {
		return err
	}
	_, err := s.run(ctx, work, "remote", "add", "origin", s.pushURL(name))
	return err
}

// Commit writes files (path relative to the repository root → content) into the working
// tree of repository name, deletes the paths in remove, commits on branch main and pushes
// through the HTTP server. It returns the new commit's SHA.
func (s *Server) Commit(ctx context.Context, name, message string, files map[string]string, remove ...string) (string, error) {
	work := filepath.Join(s.work, name)
	for path, content := range files {
		full := filepath.Join(work, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return "", fmt.Errorf("creating the directory of %s: %w", path, err)
		}
		if err := os.WriteFile(full, []byte(content), 0o600); err != nil {
			return "", fmt.Errorf("writing %s: %w", path, err)
		}
	}
	for _, path := range remove {
		if err := os.RemoveAll(filepath.Join(work, filepath.FromSlash(path))); err != nil {
			return "", fmt.Errorf("removing %s: %w", path, err)
		}
	}
	steps := [][]string{
		{"add", "--all"},
		{"commit", "--allow-empty", "--message", message},
		{"push", "origin", "HEAD:refs/heads/main"},
	}
	for _, args := range steps {
		if _, err := s.run(ctx, work, args...); err != nil {
			return "", err
		}
	}
	sha, err := s.run(ctx, work, "rev-parse", "HEAD")
	return strings.TrimSpace(sha), err
}

// run runs git in dir with an isolated configuration and a fixed identity.
func (s *Server) run(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.git, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=kubearc test", "GIT_AUTHOR_EMAIL=test@kubearc.invalid",
		"GIT_COMMITTER_NAME=kubearc test", "GIT_COMMITTER_EMAIL=test@kubearc.invalid")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = strings.TrimSpace(stdout.String())
		}
		return "", errors.Join(fmt.Errorf("git %s: %w", strings.Join(args, " "), err), errors.New(msg))
	}
	return stdout.String(), nil
}
