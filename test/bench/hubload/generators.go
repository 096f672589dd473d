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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kubearc/kubearc/test/bench/loadgen"
)

// A generator process holds one connection, hence one open file, per agent: a run with more
// agents than the open-file limit allows is split over several processes. hubload itself is
// the first; it starts the others as children of the same binary (childFlag), attached to the
// hub it started, with an equal share of the agents. Every child prints "ready" once its
// agents are connected and starts its warmup when hubload writes "go", so that the
// measurement windows coincide; each writes its report with its raw samples, which hubload
// merges into its own. Only hubload probes propagation and disrupts the hub: it writes
// "disrupt" to the children just before, and they mark the moment.

const (
	childFlag = "generator-child"
	// tokenEnv passes the hub's admin token to a child, out of sight of ps.
	tokenEnv = "HUBLOAD_TOKEN"
	// filesBesidesAgents are the open files a generator needs besides its agents'.
	filesBesidesAgents = 1024
)

// generatorsNeeded is the number of processes that agents need under the open-file limit.
func generatorsNeeded(agents int, limit uint64) int {
	perProcess := max(int(limit)-filesBesidesAgents, 1)
	return max((agents+perProcess-1)/perProcess, 1)
}

// runGenerators runs the load over o.generators processes and returns the merged report.
func runGenerators(ctx context.Context, o options, hub *loadgen.Hub) (*loadgen.Report, error) {
	if o.generators == 1 {
		return loadgen.Run(ctx, hub, o.cfg)
	}
	dir, err := os.MkdirTemp("", "hubload-generators-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	total := o.cfg.Agents
	o.cfg.Agents = share(total, o.generators, 0)
	children, err := startChildren(ctx, o, hub, dir, total)
	if err != nil {
		return nil, err
	}
	o.cfg.Ready = children.start
	if kill := o.cfg.Disrupt; kill != nil {
		o.cfg.Disrupt = func() error { children.disrupt(); return kill() }
	}
	report, runErr := loadgen.Run(ctx, hub, o.cfg)
	reports, err := children.wait()
	if runErr != nil {
		return nil, runErr
	}
	if err != nil {
		return nil, err
	}
	for _, r := range reports {
		if err := report.Merge(r); err != nil {
			return nil, err
		}
	}
	return report, nil
}

// share is generator i's part of agents split over n.
func share(agents, n, i int) int {
	s := agents / n
	if i < agents%n {
		s++
	}
	return s
}

// children are the generator processes besides this one.
type children struct {
	cmds    []*exec.Cmd
	out     []*bufio.Reader
	in      []io.WriteCloser
	reports []string
}

// startChildren starts generators 1 to o.generators-1 against hub.
func startChildren(ctx context.Context, o options, hub *loadgen.Hub, dir string, total int) (*children, error) {
	caFile := filepath.Join(dir, "ca.crt")
	if err := os.WriteFile(caFile, hub.CAPEM, 0o600); err != nil {
		return nil, err
	}
	c := &children{}
	for i := 1; i < o.generators; i++ {
		report := filepath.Join(dir, fmt.Sprintf("generator-%d.json", i))
		if err := c.startOne(ctx, childArgs(o, hub.URL, caFile, report, share(total, o.generators, i)), hub.Token); err != nil {
			c.kill()
			return nil, fmt.Errorf("starting generator %d: %w", i, err)
		}
		c.reports = append(c.reports, report)
	}
	return c, nil
}

func childArgs(o options, url, caFile, report string, agents int) []string {
	c := o.cfg
	return []string{"--" + childFlag, "--hub", url, "--ca", caFile, "--json", report,
		"--agents", strconv.Itoa(agents), "--interval", c.Interval.String(), "--warmup", c.Warmup.String(),
		"--duration", c.Duration.String(), "--setup-concurrency", strconv.Itoa(c.SetupConcurrency),
		"--connect-concurrency", strconv.Itoa(c.ConnectConcurrency), "--propagation-samples", "0",
		"--request-timeout", c.RequestTimeout.String(), "--tunnels=" + strconv.FormatBool(c.Tunnels)}
}

func (c *children) startOne(ctx context.Context, args []string, token string) error {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), tokenEnv+"="+token)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	c.cmds = append(c.cmds, cmd)
	c.out = append(c.out, bufio.NewReader(stdout))
	c.in = append(c.in, stdin)
	return nil
}

// start waits for every child's agents to be connected, then starts their warmup.
func (c *children) start() error {
	for i, out := range c.out {
		if err := expectLine(out, readyLine); err != nil {
			return fmt.Errorf("generator %d did not get ready: %w", i+1, err)
		}
	}
	for _, in := range c.in {
		if _, err := fmt.Fprintln(in, goLine); err != nil {
			return err
		}
	}
	return nil
}

// disrupt tells the children that the hub is being disrupted now.
func (c *children) disrupt() {
	for _, in := range c.in {
		_, _ = fmt.Fprintln(in, disruptLine)
	}
}

// wait waits for every child and reads its report.
func (c *children) wait() ([]*loadgen.Report, error) {
	var errs []error
	for i, cmd := range c.cmds {
		_ = c.in[i].Close()
		if err := cmd.Wait(); err != nil {
			errs = append(errs, fmt.Errorf("generator %d: %w", i+1, err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var reports []*loadgen.Report
	for _, path := range c.reports {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		r := &loadgen.Report{}
		if err := json.Unmarshal(data, r); err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		reports = append(reports, r)
	}
	return reports, nil
}

func (c *children) kill() {
	for _, cmd := range c.cmds {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}

// The lines of a child's handshake with hubload.
const (
	readyLine   = "ready"
	goLine      = "go"
	disruptLine = "disrupt"
)

// expectLine reads a line from r and checks it is want.
func expectLine(r *bufio.Reader, want string) error {
	line, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	if got := strings.TrimSpace(line); got != want {
		return fmt.Errorf("read %q, want %q", got, want)
	}
	return nil
}

// runChild is a child generator: its share of the agents against the hub hubload started.
func runChild(ctx context.Context, o options) (bool, error) {
	hub, err := loadgen.AttachHub(o.attachURL, o.attachToken, o.attachCA, "")
	if err != nil {
		return false, err
	}
	o.cfg.KeepRaw = true
	in := bufio.NewReader(os.Stdin)
	disrupted := make(chan struct{})
	o.cfg.Disrupted = disrupted
	o.cfg.Ready = func() error {
		fmt.Println(readyLine)
		if err := expectLine(in, goLine); err != nil {
			return fmt.Errorf("hubload did not say go: %w", err)
		}
		go func() { // hubload's kill of a replica, if it comes
			if expectLine(in, disruptLine) == nil {
				close(disrupted)
			}
		}()
		return nil
	}
	report, err := loadgen.Run(ctx, hub, o.cfg)
	if err != nil {
		return false, err
	}
	return true, writeJSON(o.jsonPath, report)
}
