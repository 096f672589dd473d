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

package server_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Settings of the slow-loris runs: a small cap, so that the attack overruns it many times.
const (
	slowlorisCap   = 16
	slowlorisConns = 200
)

// slowlorisConfig caps the unauthenticated connections at slowlorisCap and keeps every
// other limit at its default: the body deadline (1 min), which slow connections outlive
// here, and the minimum age (3 s) that lets a newcomer authenticate before it can be
// evicted. The attacker and the measured clients share 127.0.0.1, so the per-source cap
// (64) never binds: the total cap and its eviction are measured.
func slowlorisConfig(cfg *server.Config) {
	cfg.MaxUnauthenticatedConns = slowlorisCap
}

// startSlowlorisHub starts a hub whose unauthenticated connections are capped at
// slowlorisCap.
func startSlowlorisHub(t *testing.T) *testHub {
	return startHub(t, hubtest.Options{Configure: slowlorisConfig})
}

// openFDs is the number of file descriptors the process has open.
func openFDs(t testing.TB) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("counting file descriptors needs /proc: %v", err)
	}
	return len(entries)
}

// attacker is a slow-loris load in a child process (so that its sockets are not counted
// with the hub's): slowlorisConns connections that stall the TLS handshake, trickle headers
// or, most of them, trickle a request body to /agent/v1/register, reconnecting when cut.
type attacker struct {
	cmd *exec.Cmd
	out *bufio.Scanner
}

func startAttacker(t testing.TB, addr string) *attacker {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), os.Args[0], "-test.run=^TestSlowlorisAttacker$")
	cmd.Env = append(os.Environ(), "KUBEARC_SLOWLORIS_ADDR="+addr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	a := &attacker{cmd: cmd, out: bufio.NewScanner(stdout)}
	t.Cleanup(func() { a.stop() })
	return a
}

// stop ends the attack and returns how many of its connections the hub cut.
func (a *attacker) stop() int {
	if a.cmd.Process == nil || a.cmd.ProcessState != nil {
		return 0
	}
	_ = a.cmd.Process.Signal(os.Interrupt)
	cut := 0
	for a.out.Scan() {
		if n, ok := strings.CutPrefix(a.out.Text(), "cut "); ok {
			cut, _ = strconv.Atoi(n)
		}
	}
	_ = a.cmd.Wait()
	return cut
}

// TestSlowlorisAttacker is the attacker's process; it does nothing in a normal run.
func TestSlowlorisAttacker(t *testing.T) {
	addr := os.Getenv("KUBEARC_SLOWLORIS_ADDR")
	if addr == "" {
		t.Skip("the slow-loris attacker runs only as the child of a slow-loris test")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var cut atomic.Int64
	var wg sync.WaitGroup
	for i := range slowlorisConns {
		wg.Go(func() {
			for ctx.Err() == nil {
				if slowConnection(ctx, addr, i%10) {
					cut.Add(1)
				}
			}
		})
	}
	wg.Wait()
	fmt.Printf("cut %d\n", cut.Load())
}

// slowConnection opens one slow connection of the given kind (0: stall the handshake,
// 1: trickle headers, else: trickle a body) and keeps it up until the hub cuts it (true) or
// ctx ends.
func slowConnection(ctx context.Context, addr string, kind int) bool {
	raw, err := (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, "tcp", addr)
	if err != nil {
		time.Sleep(100 * time.Millisecond)
		return false
	}
	defer func() { _ = raw.Close() }()
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	defer stop()
	if kind == 0 {
		_, err := raw.Read(make([]byte, 1)) // the hub speaks first only to end it
		return err != nil && ctx.Err() == nil
	}
	conn := tls.Client(raw, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}}) //nolint:gosec // an attacker
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	if err := conn.HandshakeContext(ctx); err != nil {
		return false // still waiting in the backlog: the cap holds
	}
	_ = conn.SetDeadline(time.Time{})
	head := "POST " + protocol.PathRegister + " HTTP/1.1\r\nHost: hub\r\nContent-Length: 100000\r\n\r\n{"
	if kind == 1 {
		head = "POST " + protocol.PathRegister + " HTTP/1.1\r\nX-Slow: "
	}
	if _, err := conn.Write([]byte(head)); err != nil {
		return ctx.Err() == nil
	}
	for ctx.Err() == nil {
		time.Sleep(200 * time.Millisecond)
		if _, err := conn.Write([]byte(" ")); err != nil {
			return ctx.Err() == nil
		}
	}
	return false
}

// TestHubServesUnderSlowloris: while hundreds of slow clients hold connections open, the
// hub keeps answering heartbeats and ARM requests on authenticated connections, keeps its
// file descriptors within the cap of unauthenticated connections, cuts the slow ones, and
// serves new connections once the attack ends.
func TestHubServesUnderSlowloris(t *testing.T) {
	th := startSlowlorisHub(t)
	agent, _ := th.agent("c1")
	admin := th.client(nil)
	path := clusterPath(sub, rg, "c1") + api2024
	heartbeat := func() response {
		return th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{})
	}
	get := func() response { return th.send(admin, http.MethodGet, path, th.AdminToken, nil) }
	if heartbeat().status != http.StatusOK || get().status != http.StatusOK {
		t.Fatal("the hub does not serve before the attack")
	}
	// The hub's descriptors now: listener, database, the two authenticated connections, the
	// test's own clients; slack covers the Go runtime's and the test binary's others.
	limit := openFDs(t) + slowlorisCap + 16

	a := startAttacker(t, th.Addr)
	maxFDs := 0
	for i := range 40 {
		if r := heartbeat(); r.status != http.StatusOK {
			t.Fatalf("heartbeat %d under attack: %d %s", i, r.status, r.raw)
		}
		if r := get(); r.status != http.StatusOK {
			t.Fatalf("ARM GET %d under attack: %d %s", i, r.status, r.raw)
		}
		maxFDs = max(maxFDs, openFDs(t))
		time.Sleep(100 * time.Millisecond)
	}
	cut := a.stop()
	t.Logf("open descriptors: at most %d under attack (limit %d); the hub cut %d slow connections", maxFDs, limit, cut)
	if maxFDs > limit {
		t.Errorf("the hub had %d descriptors open under attack, more than %d (the unauthenticated cap is %d)", maxFDs, limit, slowlorisCap)
	}
	if cut == 0 {
		t.Error("the hub cut none of the slow connections")
	}
	if r := th.do(http.MethodGet, path, th.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("a new connection after the attack: %d %s", r.status, r.raw)
	}
}
