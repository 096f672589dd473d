//go:build e2e

/*
Copyright 2026 The kubearc Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

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
	var peak int64
	deadline := time.Now().Add(window)
	for time.Now().Before(deadline) {
		rss, err := rssKiB(pid)
		if err != nil {
			e.t.Fatal(err)
		}
		peak = max(peak, rss)
		time.Sleep(time.Second)
	}
	endCPU, err := cpuTicks(pid)
	if err != nil {
		e.t.Fatal(err)
	}
	millicores := float64(endCPU-startCPU) / clockTicks / window.Seconds() * 1000
	e.t.Logf("agent idle over %s: peak RSS %.1f MiB, CPU %.1f millicores", window, float64(peak)/1024, millicores)
}

// rssKiB reads VmRSS from /proc/<pid>/status.
func rssKiB(pid string) (int64, error) {
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, fmt.Errorf("the agent (pid %s) is not running: %w", pid, err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%s/status", pid)
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
