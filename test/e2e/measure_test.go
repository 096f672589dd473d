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
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat on Linux.
const clockTicks = 100

// measureIdleAgent samples the local agent's resident memory and CPU time over window and
// logs them; docs/benchmarks.md records the numbers of a run. The target (under
// 64 MiB RSS) is a benchmark goal, not a pass/fail condition, so this only fails when the
// agent cannot be measured at all.
func (e *env) measureIdleAgent(window time.Duration) {
	e.t.Helper()
	raw, err := os.ReadFile(e.agentPIDFile())
	if err != nil {
		e.t.Fatalf("reading the agent's pid file: %v", err)
	}
	pid := strings.TrimSpace(string(raw))
	startCPU, err := cpuTicks(pid)
	if err != nil {
		e.t.Fatal(err)
	}
	var peak memory
	deadline := time.Now().Add(window)
	for time.Now().Before(deadline) {
		m, err := readMemory(pid)
		if err != nil {
			e.t.Fatal(err)
		}
		peak = peak.max(m)
		time.Sleep(time.Second)
	}
	endCPU, err := cpuTicks(pid)
	if err != nil {
		e.t.Fatal(err)
	}
	millicores := float64(endCPU-startCPU) / clockTicks / window.Seconds() * 1000
	e.t.Logf("agent idle over %s: peak RSS %.1f MiB (anonymous %.1f MiB, file-backed %.1f MiB), CPU %.1f millicores",
		window, mib(peak.rss), mib(peak.anon), mib(peak.file), millicores)
}

// memory is a process's resident memory in KiB: all of it, its private (anonymous) part, and
// the part mapped from files (mostly the binary's own pages, shared with the page cache).
type memory struct{ rss, anon, file int64 }

func (m memory) max(o memory) memory {
	return memory{rss: max(m.rss, o.rss), anon: max(m.anon, o.anon), file: max(m.file, o.file)}
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

// readMemory reads VmRSS, RssAnon and RssFile from /proc/<pid>/status.
func readMemory(pid string) (memory, error) {
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return memory{}, fmt.Errorf("the agent (pid %s) is not running: %w", pid, err)
	}
	var m memory
	fields := map[string]*int64{"VmRSS:": &m.rss, "RssAnon:": &m.anon, "RssFile:": &m.file}
	for line := range strings.SplitSeq(string(status), "\n") {
		for prefix, into := range fields {
			if rest, ok := strings.CutPrefix(line, prefix); ok {
				if *into, err = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64); err != nil {
					return memory{}, fmt.Errorf("/proc/%s/status: %s: %w", pid, line, err)
				}
			}
		}
	}
	if m.rss == 0 {
		return memory{}, fmt.Errorf("no VmRSS in /proc/%s/status", pid)
	}
	return m, nil
}

// cpuTicks reads utime+stime from /proc/<pid>/stat.
func cpuTicks(pid string) (int64, error) {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, fmt.Errorf("the agent (pid %s) is not running: %w", pid, err)
	}
	// Fields after the parenthesised command name; utime and stime are fields 14 and 15.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%s/stat", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc/%s/stat", pid)
	}
	return utime + stime, nil
}
