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
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// env is one kubearc installation made of processes, all state in a temp directory.
type env struct {
	t    testing.TB
	root string // repository root, where bin/ is
	dir  string
	hub  string // hub URL
	kube string // the cluster's admin kubeconfig
	// kubectl is the kubectl built by `make envtest`.
	kubectl string
	// catalog, when set, is the hub's --catalog file.
	catalog string
	// hubArgs are more arguments of kubearc-hub serve (such as a short --offline-after).
	hubArgs []string
	procs   map[string]*exec.Cmd
}

func newEnv(t testing.TB) *env {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"kubearc-hub", "arcctl", "kubearc-agent", "kubearc-installer", "localcluster"} {
		if _, err := os.Stat(filepath.Join(root, "bin", b)); err != nil {
			t.Fatalf("bin/%s is missing: run `make e2e`, which builds it", b)
		}
	}
	kubectls, _ := filepath.Glob(filepath.Join(root, "bin", "k8s", "*", "kubectl"))
	if len(kubectls) == 0 {
		t.Fatal("no kubectl under bin/k8s: run `make envtest`")
	}
	e := &env{t: t, root: root, dir: t.TempDir(), kubectl: kubectls[len(kubectls)-1], procs: map[string]*exec.Cmd{}}
	t.Cleanup(e.stopAll)
	return e
}

// in returns e for a subtest: failures are reported on t, the processes stay shared.
func (e *env) in(t *testing.T) *env {
	sub := *e
	sub.t = t
	return &sub
}

// start runs a long-lived binary from bin/, logging to <dir>/<name>.log.
func (e *env) start(name string, args ...string) {
	e.t.Helper()
	log, err := os.Create(filepath.Join(e.dir, name+".log"))
	if err != nil {
		e.t.Fatal(err)
	}
	// Not CommandContext: the processes outlive single steps; stop interrupts them gently.
	cmd := exec.Command(filepath.Join(e.root, "bin", binaryOf(name)), args...) //nolint:noctx
	cmd.Dir, cmd.Stdout, cmd.Stderr, cmd.Env = e.root, log, log, e.environ()
	// Its own process group, so that stop can end what it started (localcluster's etcd and
	// kube-apiserver) even when it had to be killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		e.t.Fatalf("starting %s: %v", name, err)
	}
	e.procs[name] = cmd
}

// binaryOf maps a process name ("hub", "hub-2") to its binary.
func binaryOf(name string) string {
	switch strings.SplitN(name, "-", 2)[0] {
	case "hub":
		return "kubearc-hub"
	case "arcctl":
		return "arcctl"
	default:
		return name
	}
}

// stop interrupts a process started with start and waits for it.
func (e *env) stop(name string) {
	cmd := e.procs[name]
	if cmd == nil {
		return
	}
	// localcluster's etcd and kube-apiserver have process groups of their own (envtest's):
	// killed by name below, in case localcluster itself had to be killed.
	children := childrenOf(cmd.Process.Pid)
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // whatever of its group is left
	for _, c := range children {
		if c.alive() {
			_ = syscall.Kill(c.pid, syscall.SIGKILL)
		}
	}
	delete(e.procs, name)
}

func (e *env) stopAll() {
	// The local agent belongs to arcctl, not to the test: stop it through its pid file.
	if pid, err := os.ReadFile(e.agentPIDFile()); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(pid))); err == nil {
			_ = syscall.Kill(p, syscall.SIGTERM)
		}
	}
	for name := range e.procs {
		e.stop(name)
	}
	if e.t.Failed() {
		e.dumpLogs()
	}
}

func (e *env) dumpLogs() {
	logs, _ := filepath.Glob(filepath.Join(e.dir, "*.log"))
	logs = append(logs, filepath.Join(e.dir, "agents", "e2e", "agent.log"))
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err != nil {
			continue
		}
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		e.t.Logf("---- %s (tail) ----\n%s", l, b)
	}
}

func (e *env) environ() []string {
	return append(os.Environ(), "KUBEARC_CONFIG="+filepath.Join(e.dir, "arcctl.yaml"))
}

func (e *env) agentPIDFile() string { return filepath.Join(e.dir, "agents", "e2e", "agent.pid") }

// run runs a short command to completion and returns its combined output.
func (e *env) run(ctx context.Context, stdin string, bin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = e.root, e.environ()
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// arcctl runs bin/arcctl and fails the test when it fails.
func (e *env) arcctl(args ...string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := e.run(ctx, "", filepath.Join(e.root, "bin", "arcctl"), args...)
	if err != nil {
		e.t.Fatalf("arcctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// kubectlRun runs kubectl against the cluster and returns its output and error.
func (e *env) kubectlRun(stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return e.run(ctx, stdin, e.kubectl, append([]string{"--kubeconfig", e.kube}, args...)...)
}

// waitFor polls until fn returns nil, failing the test with fn's last error after timeout.
func (e *env) waitFor(what string, timeout time.Duration, fn func() error) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(time.Second)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}

func fileReady(path string) error {
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		return fmt.Errorf("%s not written yet", path)
	}
	return nil
}
