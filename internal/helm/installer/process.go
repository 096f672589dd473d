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

package installer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-logr/logr"
)

// Process is the Installer of the agent: each call runs the kubearc-installer executable
// once, writes the request on its stdin (protected settings included: never in its
// arguments or environment) and reads the response on its stdout. The installer lives only
// while there is something to do, so Helm is never resident in the agent.
type Process struct {
	// Path is the kubearc-installer executable.
	Path string
	// Kubeconfig is the cluster's kubeconfig file; empty means the installer finds the
	// cluster as the agent does ($KUBECONFIG, else the in-cluster config).
	Kubeconfig string
	// Namespace is the agent's namespace.
	Namespace string
	// ChartCacheDir holds the downloaded charts.
	ChartCacheDir string
	// Log receives the installer's own log lines at V(1), protected values redacted.
	Log logr.Logger
}

var _ Installer = (*Process)(nil)

// waitDelay is how long a cancelled installer has to exit after it was killed, and its
// output to be read.
const waitDelay = 10 * time.Second

// maxStderr bounds the installer's log kept of one run.
const maxStderr = 1 << 20

// Apply runs req in the installer.
func (p *Process) Apply(ctx context.Context, req Request) (*Release, bool, error) {
	resp, err := p.run(ctx, request{Op: opApply, Apply: &req}, req.ProtectedSettings)
	if err != nil {
		return nil, false, err
	}
	return resp.Release, resp.Changed, decodeError(resp.Error)
}

// Current asks the installer for the release's latest revision.
func (p *Process) Current(ctx context.Context, name, namespace string) (*Release, error) {
	resp, err := p.run(ctx, request{Op: opCurrent, Name: name, Namespace: namespace}, nil)
	if err != nil {
		return nil, err
	}
	return resp.Release, decodeError(resp.Error)
}

// Uninstall has the installer remove the release.
func (p *Process) Uninstall(ctx context.Context, name, namespace string) (bool, error) {
	resp, err := p.run(ctx, request{Op: opUninstall, Name: name, Namespace: namespace}, nil)
	if err != nil {
		return false, err
	}
	return resp.Changed, decodeError(resp.Error)
}

func (p *Process) args() []string {
	args := []string{"--namespace=" + p.Namespace, "--chart-cache-dir=" + p.ChartCacheDir}
	if p.Kubeconfig != "" {
		args = append(args, "--kubeconfig="+p.Kubeconfig)
	}
	return args
}

// run runs the installer with req on its stdin and returns its response. A failure to run
// it at all is an ordinary (transient) error.
func (p *Process) run(ctx context.Context, req request, protected map[string]string) (*response, error) {
	in, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encoding the Helm installer's request: %w", err)
	}
	cmd := exec.CommandContext(ctx, p.Path, p.args()...) //nolint:gosec // the path is the agent's --installer-path
	stdout, stderr := &capped{max: maxMessage}, &capped{max: maxStderr}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), stdout, stderr
	cmd.WaitDelay = waitDelay
	runErr := cmd.Run()
	last := p.logLines(stderr.String(), protected)
	switch {
	case errors.Is(runErr, fs.ErrNotExist):
		return nil, fmt.Errorf("the Helm installer %s is missing: install kubearc-installer beside the agent or set --installer-path", p.Path)
	case runErr != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("the Helm installer was stopped: %w", ctx.Err())
	case runErr != nil:
		return nil, fmt.Errorf("the Helm installer %s failed (%w)%s", p.Path, runErr, last)
	}
	var resp response
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
		return nil, fmt.Errorf("reading the Helm installer's response: %w", err)
	}
	return &resp, nil
}

// logLines logs the installer's log lines and returns the last one as ": line", "" when
// there is none.
func (p *Process) logLines(stderr string, protected map[string]string) string {
	last := ""
	for line := range strings.SplitSeq(strings.TrimSpace(stderr), "\n") {
		if line = strings.TrimSpace(Redact(line, protected)); line != "" {
			p.Log.V(1).Info("Helm installer", "line", line)
			last = ": " + line
		}
	}
	return last
}

// capped keeps the first max bytes written to it and drops the rest, so a runaway child
// cannot grow the agent.
type capped struct {
	bytes.Buffer
	max int
}

func (c *capped) Write(b []byte) (int, error) {
	if room := c.max - c.Len(); room > 0 {
		c.Buffer.Write(b[:min(room, len(b))])
	}
	return len(b), nil
}

// BinaryName is the installer's executable, as 'make build' and the agent image name it.
const BinaryName = "kubearc-installer"

// DefaultPath is kubearc-installer beside the running executable (the agent's), where
// 'make build' and the agent image put it.
func DefaultPath() string {
	self, err := os.Executable()
	if err != nil {
		return BinaryName
	}
	return filepath.Join(filepath.Dir(self), BinaryName)
}
