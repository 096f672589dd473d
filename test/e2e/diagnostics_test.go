//go:build e2e

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

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// smallLogRing is the agent's --log-buffer-lines in TestAgentDiagnostics: small enough that
// the lines logged while the hub is down overflow it.
const smallLogRing = 3

// TestAgentDiagnostics follows the agent's log through the hub while the agent runs, turns
// the shipped level to debug from the hub without restarting the agent, and stops the hub
// while the agent keeps logging into a small ring.
func TestAgentDiagnostics(t *testing.T) {
	e := newEnv(t)
	e.up("--agent-binary", e.agentWithSmallLogRing())
	e.kubectlOK("", "patch", "arcconnection", "default", "--type", "merge", "-p", `{"spec":{"heartbeatInterval":"10s"}}`)
	pid := e.agentPID()
	followed := filepath.Join(e.dir, "arcctl-logs.log")
	e.start("arcctl-logs", "connectedk8s", "logs", "-n", cluster, "-g", group, "--follow")

	t.Run("update --log-level debug ships debug lines at once, the agent not restarted", func(t *testing.T) {
		e := e.in(t)
		e.arcctl("connectedk8s", "update", "-n", cluster, "-g", group, "--log-level", "debug")
		// The agent's info line about the change may be among the lines its tiny ring drops
		// (smallLogRing); the debug lines that follow are what shows the level changed.
		e.waitFor("a debug line in logs --follow", time.Minute, func() error {
			return fileHasLine(followed, "debug", "The hub accepted the heartbeat")
		})
		if now := e.agentPID(); now != pid {
			t.Errorf("the agent restarted: pid %s, then %s", pid, now)
		}
	})
	t.Run("with the hub down the agent keeps only its ring and tells the hub how many lines it dropped", func(t *testing.T) {
		e := e.in(t)
		e.stop("hub")
		time.Sleep(20 * time.Second) // the agent logs its failed heartbeats and shipments meanwhile
		e.startHub("hub")
		up := time.Now()
		e.waitFor("the downtime's lines and the drop count", 2*time.Minute, func() error {
			return e.expectDowntimeLogged(up)
		})
	})
}

// agentWithSmallLogRing writes a kubearc-agent wrapper for --agent-binary that gives the
// agent a ring of smallLogRing lines.
func (e *env) agentWithSmallLogRing() string {
	e.t.Helper()
	path := filepath.Join(e.dir, "kubearc-agent-small-ring")
	script := fmt.Sprintf("#!/bin/sh\nexec %q --log-buffer-lines %d \"$@\"\n", filepath.Join(e.root, "bin", "kubearc-agent"), smallLogRing)
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil { //nolint:gosec // an executable, for the test's agent
		e.t.Fatal(err)
	}
	return path
}

func (e *env) agentPID() string {
	e.t.Helper()
	pid, err := os.ReadFile(e.agentPIDFile())
	if err != nil {
		e.t.Fatal(err)
	}
	return strings.TrimSpace(string(pid))
}

// fileHasLine reports whether a line of the file holds all of parts.
func fileHasLine(path string, parts ...string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if containsAll(line, parts) {
			return nil
		}
	}
	return fmt.Errorf("no line of %s holds %q:\n%s", filepath.Base(path), parts, b)
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// expectDowntimeLogged checks the agent's log on the hub for the hub's count of the lines the
// agent dropped while the hub was down (its ring holds smallLogRing lines), added when the
// agent shipped again after up, and that arcctl shows it.
func (e *env) expectDowntimeLogged(up time.Time) error {
	dropped := false
	for _, l := range e.shippedLines() {
		dropped = dropped || (l.Logger == protocol.DroppedLinesLogger && l.Time.After(up))
	}
	if !dropped {
		return fmt.Errorf("no count of dropped lines after the hub returned at %s", up.Format(time.RFC3339))
	}
	text := e.shippedLogs()
	if !strings.Contains(text, "lines dropped by the agent while the hub was unreachable") {
		return fmt.Errorf("arcctl connectedk8s logs does not say lines were dropped:\n%s", text)
	}
	return nil
}

// shippedLines are the agent's log lines the hub keeps, as arcctl connectedk8s logs -o json
// prints them.
func (e *env) shippedLines() []protocol.LogLine {
	e.t.Helper()
	var lines []protocol.LogLine
	for raw := range strings.SplitSeq(strings.TrimSpace(e.arcctl("connectedk8s", "logs", "-n", cluster, "-g", group, "-o", "json")), "\n") {
		var l protocol.LogLine
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			e.t.Fatalf("logs -o json printed %q: %v", raw, err)
		}
		lines = append(lines, l)
	}
	return lines
}

// shippedLogs is the agent's log on the hub as arcctl connectedk8s logs prints it.
func (e *env) shippedLogs() string {
	e.t.Helper()
	return e.arcctl("connectedk8s", "logs", "-n", cluster, "-g", group)
}
