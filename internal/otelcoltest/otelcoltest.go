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

// Package otelcoltest runs kubearc-otelcol, the test OpenTelemetry Collector that
// hack/otelcol.sh builds from the Go module proxy: it validates configurations, runs a
// collector as a process, and stands up a workspace (an OTLP/HTTP receiver that demands a
// bearer token and writes what it receives to a file) for a collector to export to.
package otelcoltest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// Binary returns the path of kubearc-otelcol under bin/otelcol, failing the test with what
// to run when there is none.
func Binary(t testing.TB) string {
	t.Helper()
	bins, _ := filepath.Glob(filepath.Join(repoRoot(), "bin", "otelcol", "*", "kubearc-otelcol"))
	if len(bins) == 0 {
		t.Fatal("no kubearc-otelcol under bin/otelcol: run hack/otelcol.sh (or make otelcol), which builds it from the Go module proxy")
	}
	return bins[len(bins)-1]
}

// repoRoot is the repository's root, two levels above this file.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Validate runs `kubearc-otelcol validate` on config with env added to the environment and
// returns its output when the collector refuses the configuration.
func Validate(t testing.TB, config string, env ...string) error {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, Binary(t), "validate", "--config="+path)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("kubearc-otelcol validate: %w\n%s", err, out)
	}
	return nil
}

// Collector is a kubearc-otelcol process.
type Collector struct {
	// Log is the file with the collector's output.
	Log string
	cmd *exec.Cmd
}

// Start runs the collector on the config file with env added to the environment, in its own
// process group. Cleanup stops it and prints its log's tail when the test failed.
func Start(t testing.TB, configPath string, env ...string) *Collector {
	t.Helper()
	c := &Collector{Log: configPath + ".log"}
	log, err := os.Create(c.Log)
	if err != nil {
		t.Fatal(err)
	}
	// Not CommandContext: the collector lives until cleanup, which interrupts it gently.
	c.cmd = exec.Command(Binary(t), "--config="+configPath) //nolint:noctx
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stdout, c.cmd.Stderr = log, log
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting kubearc-otelcol: %v", err)
	}
	t.Cleanup(func() {
		c.stop()
		_ = log.Close()
		if t.Failed() {
			t.Logf("---- %s (tail) ----\n%s", c.Log, tail(c.Log, 4000))
		}
	})
	return c
}

// stop interrupts the collector, so that it flushes, and kills it after 10 s.
func (c *Collector) stop() {
	_ = c.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// tail returns the last n bytes of the file at path.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// FreeAddr returns a local TCP address nothing listens on now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}
