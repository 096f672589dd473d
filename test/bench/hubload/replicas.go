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
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/kubearc/kubearc/test/bench/loadgen"
)

// fleet is several hub replicas on one PostgreSQL store behind HAProxy (docs/replicas.md).
type fleet struct {
	replicas []*loadgen.Hub
	// balancers are the HAProxy processes, all on one port (SO_REUSEPORT, HAProxy's default
	// on Linux): the kernel spreads the connections over them, so that each stays below the
	// open-file limit of one process.
	balancers []*balancer
	// front is what the generator loads: HAProxy's URL, the replicas' admin token and CA,
	// and the process and /metrics of the last replica (which is never killed).
	front *loadgen.Hub
}

// startFleet starts o.replicas hubs in subdirectories of dir, sharing the first one's CA
// and admin token, and HAProxy in front of them.
func startFleet(ctx context.Context, o options, dir string) (*fleet, error) {
	if !strings.HasPrefix(o.store, "postgres") {
		return nil, errors.New("--replicas needs --store postgres://… (hack/postgres.sh start prints one): replicas cannot share SQLite")
	}
	f := &fleet{}
	for i := range o.replicas {
		h, err := f.startReplica(ctx, o, dir, i)
		if err != nil {
			return nil, errors.Join(err, f.stop())
		}
		fmt.Fprintf(os.Stderr, "Started replica hub-%d (pid %s) at %s\n", i, h.PID, h.URL)
		f.replicas = append(f.replicas, h)
	}
	url, err := f.startHAProxy(ctx, o, dir)
	if err != nil {
		return nil, errors.Join(err, f.stop())
	}
	first, last := f.replicas[0], f.replicas[len(f.replicas)-1]
	f.front = &loadgen.Hub{URL: url, Token: first.Token, CA: first.CA, CAPEM: first.CAPEM, PID: last.PID, MetricsURL: last.URL}
	return f, nil
}

func (f *fleet) startReplica(ctx context.Context, o options, dir string, i int) (*loadgen.Hub, error) {
	id := fmt.Sprintf("hub-%d", i)
	data := filepath.Join(dir, id)
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data directory of %s: %w", id, err)
	}
	if i > 0 {
		for _, name := range []string{"ca.crt", "ca.key", "data.key", "admin.token"} {
			if err := copyFile(filepath.Join(dir, "hub-0", name), filepath.Join(data, name)); err != nil {
				return nil, err
			}
		}
	}
	return loadgen.StartHub(ctx, loadgen.HubProcess{Binary: o.binary, DataDir: data, FlushInterval: o.flush,
		LogLevel: o.hubLogLevel, Store: o.store, ReplicaID: id, ExtraArgs: oneAddressFleet})
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("copying the shared CA and keys: %w", err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		return fmt.Errorf("copying the shared CA and keys: %w", err)
	}
	return nil
}

// startHAProxy runs HAProxy (hack/haproxy.sh) in TCP mode, round robin over the replicas,
// health-checking /readyz, as the e2e of several replicas does: as many processes as the
// agents' connections need (one per agent: its tunnel shares it), on one address. It
// returns the address's URL.
func (f *fleet) startHAProxy(ctx context.Context, o options, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "hack/haproxy.sh").Output()
	if err != nil {
		return "", fmt.Errorf("--replicas needs HAProxy: hack/haproxy.sh (run it as root once) failed: %w", err)
	}
	addr, err := freeAddr(ctx)
	if err != nil {
		return "", err
	}
	n := (o.cfg.Agents + connsPerBalancer - 1) / connsPerBalancer
	cfgPath := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cfgPath, []byte(haproxyConfig(addr, f.replicas, o.cfg.Agents/n)), 0o600); err != nil {
		return "", fmt.Errorf("writing the HAProxy configuration: %w", err)
	}
	for i := range n {
		b, err := startBalancer(ctx, strings.TrimSpace(string(out)), cfgPath, filepath.Join(dir, fmt.Sprintf("haproxy-%d.log", i)))
		if b != nil {
			f.balancers = append(f.balancers, b)
		}
		if err != nil {
			return "", err
		}
		fmt.Fprintf(os.Stderr, "Started HAProxy (pid %d) at %s\n", b.cmd.Process.Pid, addr)
	}
	return "https://" + addr, nil
}

// haproxyConfig balances TCP connections (TLS passes through) over the replicas, up to
// conns of them per process. A replica is out after three failed checks, not one: while the
// agents of a killed replica reconnect, the survivors' handshakes and /readyz answers queue
// behind thousands of others, and with one failed check HAProxy took every replica out in
// turn (docs/benchmarks.md, "Hub replicas").
func haproxyConfig(addr string, replicas []*loadgen.Hub, conns int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "global\n  maxconn %d\ndefaults\n  mode tcp\n  timeout connect 2s\n  timeout check 2s\n  timeout client 1h\n  timeout server 1h\n", conns+1000)
	b.WriteString("  retries 3\n  option redispatch\nfrontend hub\n  bind " + addr + "\n  default_backend replicas\nbackend replicas\n")
	b.WriteString("  balance roundrobin\n  option httpchk\n  http-check send meth GET uri /readyz\n")
	for i, h := range replicas {
		fmt.Fprintf(&b, "  server hub-%d %s check check-ssl verify none inter 500ms fall 3 rise 2\n", i, strings.TrimPrefix(h.URL, "https://"))
	}
	return b.String()
}

func freeAddr(ctx context.Context) (string, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String(), nil
}

// kill SIGKILLs the first replica, as a crash would.
func (f *fleet) kill() error {
	fmt.Fprintf(os.Stderr, "Killing replica hub-0 (pid %s) with SIGKILL\n", f.replicas[0].PID)
	return f.replicas[0].Kill()
}

// stop ends HAProxy and every replica still running, and reports the first failure.
func (f *fleet) stop() error {
	var errs []error
	for _, b := range f.balancers {
		errs = append(errs, b.stop())
	}
	for i, h := range f.replicas {
		if err := h.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("replica hub-%d: %w (log: %s)", i, err, h.LogPath))
		}
	}
	return errors.Join(errs...)
}

// usage reads each replica's memory at the end of the run; a killed one reads as gone.
func (f *fleet) usage() []string {
	var lines []string
	for i, h := range f.replicas {
		s, err := loadgen.ReadProc(h.PID)
		if err != nil {
			lines = append(lines, fmt.Sprintf("replica hub-%d   gone (killed)", i))
			continue
		}
		lines = append(lines, fmt.Sprintf("replica hub-%d   RSS %.0f MiB, VmHWM %.0f MiB", i, float64(s.RSS)/(1<<20), float64(s.HWM)/(1<<20)))
	}
	return lines
}
