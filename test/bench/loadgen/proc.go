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

package loadgen

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicksPerSecond is USER_HZ, the unit of utime and stime in /proc/<pid>/stat. It is 100
// on every Linux architecture Go supports (sysconf(_SC_CLK_TCK) would need cgo).
const clockTicksPerSecond = 100

// ProcSample is what /proc says about a process at one moment.
type ProcSample struct {
	// CPU is user plus system time consumed since the process started.
	CPU time.Duration
	// RSS is the resident set size now (VmRSS).
	RSS int64
	// HWM is the peak resident set size since the process started (VmHWM).
	HWM int64
}

// ReadProc samples process pid ("self" for this process).
func ReadProc(pid string) (ProcSample, error) {
	cpu, err := readCPU(pid)
	if err != nil {
		return ProcSample{}, err
	}
	rss, hwm, err := readMemory(pid)
	if err != nil {
		return ProcSample{}, err
	}
	return ProcSample{CPU: cpu, RSS: rss, HWM: hwm}, nil
}

// readCPU returns utime+stime of /proc/<pid>/stat.
func readCPU(pid string) (time.Duration, error) {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, fmt.Errorf("reading CPU time of process %s: %w", pid, err)
	}
	// The command name (field 2) may contain spaces; the fields after its ')' are fixed.
	end := bytes.LastIndexByte(data, ')')
	if end < 0 {
		return 0, fmt.Errorf("parsing /proc/%s/stat: no ')' after the command name", pid)
	}
	fields := strings.Fields(string(data[end+1:]))
	// fields[0] is field 3 (state); utime and stime are fields 14 and 15.
	const utime, stime = 14 - 3, 15 - 3
	if len(fields) <= stime {
		return 0, fmt.Errorf("parsing /proc/%s/stat: only %d fields", pid, len(fields)+2)
	}
	var ticks int64
	for _, f := range []string{fields[utime], fields[stime]} {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parsing /proc/%s/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicksPerSecond, nil
}

// readMemory returns VmRSS and VmHWM of /proc/<pid>/status, in bytes.
func readMemory(pid string) (rss, hwm int64, err error) {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return 0, 0, fmt.Errorf("reading memory of process %s: %w", pid, err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("parsing %s of /proc/%s/status: %w", name, pid, err)
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, fmt.Errorf("reading /proc/%s/status: %w", pid, err)
	}
	return rss, hwm, nil
}
