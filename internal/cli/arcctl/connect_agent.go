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

package arcctl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// agentBinaryName is the agent's executable, as 'make build' names it.
const agentBinaryName = "kubearc-agent"

// localAgent is where a local agent of one cluster keeps its files: the state directory
// beside arcctl's configuration, agents/<cluster name>/.
type localAgent struct {
	dir string
	// features are the agent's optional features (--features), e.g. custom-locations.
	features []string
}

func (a localAgent) kubeconfig() string { return filepath.Join(a.dir, "kubeconfig") }
func (a localAgent) logFile() string    { return filepath.Join(a.dir, "agent.log") }
func (a localAgent) pidFile() string    { return filepath.Join(a.dir, "agent.pid") }

// findAgentBinary returns flagValue, else kubearc-agent beside the running executable, else
// the one on PATH.
func findAgentBinary(flagValue string) (string, error) {
	if flagValue != "" {
		if _, err := os.Stat(flagValue); err != nil {
			return "", fmt.Errorf("--agent-binary: %w", err)
		}
		return flagValue, nil
	}
	if self, err := os.Executable(); err == nil {
		beside := filepath.Join(filepath.Dir(self), agentBinaryName)
		if _, err := os.Stat(beside); err == nil {
			return beside, nil
		}
	}
	path, err := exec.LookPath(agentBinaryName)
	if err != nil {
		return "", fmt.Errorf("no %s beside arcctl nor on PATH: build it with 'make build' or pass --agent-binary", agentBinaryName)
	}
	return path, nil
}

// start runs the agent as a process of its own session, so it outlives arcctl, with the
// kubeconfig already written to a.kubeconfig(). The returned channel receives the
// process's exit while arcctl still runs. Metrics are off; health probes listen on a free
// loopback port.
func (a localAgent) start(ctx context.Context, binary string) (pid int, exited <-chan error, err error) {
	probePort, err := freePort(ctx)
	if err != nil {
		return 0, nil, err
	}
	logFile, err := os.OpenFile(a.logFile(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, nil, fmt.Errorf("opening the agent's log: %w", err)
	}
	defer func() { _ = logFile.Close() }()
	// The agent outlives the command: its context is not cancelled with the command's.
	cmd := exec.CommandContext(context.WithoutCancel(ctx), binary, "--kubeconfig", a.kubeconfig(), "--namespace", agentNamespace, //nolint:gosec // the agent binary is the user's choice
		"--leader-election-namespace", agentNamespace, "--metrics-bind-address", "0",
		"--health-probe-bind-address", "127.0.0.1:"+strconv.Itoa(probePort), "--features="+strings.Join(a.features, ","))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, nil, fmt.Errorf("starting %s: %w", binary, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if err := os.WriteFile(a.pidFile(), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o600); err != nil {
		_ = cmd.Process.Kill()
		return 0, nil, fmt.Errorf("writing the agent's pid file: %w", err)
	}
	return cmd.Process.Pid, done, nil
}

func freePort(ctx context.Context) (int, error) {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port for the agent's health probes: %w", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// stop ends the agent named by the pid file, if it still runs, and removes the pid file. It
// reports the pid it stopped, 0 when there was none.
func (a localAgent) stop() (int, error) {
	data, err := os.ReadFile(a.pidFile())
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading the agent's pid file: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0, os.Remove(a.pidFile())
	}
	if !isAgentProcess(pid) {
		return 0, os.Remove(a.pidFile())
	}
	if err := terminate(pid); err != nil {
		return 0, err
	}
	return pid, os.Remove(a.pidFile())
}

// isAgentProcess reports whether pid runs the agent, so that a pid reused by another
// process after a reboot is never signalled.
func isAgentProcess(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return true // no /proc (macOS): trust the pid file
	}
	return bytes.Contains(cmdline, []byte(agentBinaryName)) || bytes.Contains(cmdline, []byte("--leader-election-namespace"))
}

// terminate sends SIGTERM, which the agent handles by releasing its Lease, and SIGKILL when
// it has not exited after ten seconds.
func terminate(pid int) error {
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		return fmt.Errorf("stopping the agent (pid %d): %w", pid, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	return nil
}

// alive reports whether pid exists and is not a zombie waiting to be reaped.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return true
	}
	// The state follows the parenthesised command name: "pid (comm) S ...".
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}

// logTail returns the last lines of the agent's log, to show why it stopped.
func (a localAgent) logTail(lines int) string {
	data, err := os.ReadFile(a.logFile())
	if err != nil {
		return ""
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
