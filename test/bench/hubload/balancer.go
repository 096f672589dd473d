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

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kubearc/kubearc/test/bench/loadgen"
)

// connsPerBalancer is how many proxied connections one HAProxy process takes: each uses two
// open files (client and server side), and HAProxy wants its maxconn (these and 1,000 more)
// twice over within the open-file limit, 20,000 per process here.
const connsPerBalancer = 6000

// balancer is one HAProxy process.
type balancer struct {
	cmd    *exec.Cmd
	exited chan error
	log    string
}

// startBalancer starts HAProxy with cfgPath and returns once that process listens on the
// configuration's port (the processes share it), or says why not. A balancer it returns
// with an error must still be stopped.
func startBalancer(ctx context.Context, binary, cfgPath, logPath string) (*balancer, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("creating the HAProxy log: %w", err)
	}
	defer func() { _ = logFile.Close() }()
	b := &balancer{cmd: exec.CommandContext(ctx, binary, "-db", "-f", cfgPath), exited: make(chan error, 1), log: logPath}
	b.cmd.Stdout, b.cmd.Stderr = logFile, logFile
	b.cmd.Cancel = func() error { return b.cmd.Process.Signal(syscall.SIGTERM) }
	loadgen.ConfigureChild(b.cmd)
	if err := b.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting HAProxy: %w", err)
	}
	go func() { b.exited <- b.cmd.Wait() }()
	return b, b.waitListening(ctx)
}

// waitListening waits until the process itself holds a listening socket: another process
// on the shared port would answer a dial.
func (b *balancer) waitListening(ctx context.Context) error {
	for range 100 {
		select {
		case err := <-b.exited:
			b.exited <- err
			return fmt.Errorf("HAProxy exited at start: %w (see %s)", err, b.log)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if n, err := listeningSockets(b.cmd.Process.Pid); err != nil || n > 0 {
			return err
		}
	}
	return fmt.Errorf("HAProxy did not listen within 10s (see %s)", b.log)
}

// listeningSockets counts the TCP sockets in state LISTEN that process pid holds.
func listeningSockets(pid int) (int, error) {
	listening, err := listeningInodes()
	if err != nil {
		return 0, err
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("reading HAProxy's open files: %w", err)
	}
	n := 0
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join(fmt.Sprintf("/proc/%d/fd", pid), fd.Name()))
		if err == nil && listening[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] {
			n++
		}
	}
	return n, nil
}

// listeningInodes returns the inodes of the IPv4 TCP sockets in state LISTEN (/proc/net/tcp).
func listeningInodes() (map[string]bool, error) {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return nil, fmt.Errorf("reading the listening sockets: %w", err)
	}
	defer func() { _ = f.Close() }()
	inodes := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) > 9 && fields[3] == "0A" {
			inodes[fields[9]] = true
		}
	}
	return inodes, sc.Err()
}

// stop ends the HAProxy process.
func (b *balancer) stop() error {
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-b.exited:
		if exit := (*exec.ExitError)(nil); err != nil && !errors.As(err, &exit) {
			return fmt.Errorf("waiting for HAProxy: %w", err)
		}
		return nil
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
		return errors.New("HAProxy did not stop within 10s of SIGTERM; killed it")
	}
}
