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

package metadata

import (
	"fmt"
	"os"
	"sync"
	"time"
)

const (
	procSelfStat   = "/proc/self/stat"
	procSelfStatus = "/proc/self/status"

	// clockTicksPerSecond is the unit of utime and stime in /proc/<pid>/stat, sysconf(_SC_CLK_TCK).
	// Linux fixes it at USER_HZ = 100 for user space on every architecture, whatever the
	// kernel's internal HZ, so it is a constant rather than a cgo call to sysconf.
	clockTicksPerSecond = 100
)

// CPUMeter measures the agent's own process from /proc (Linux only). /proc gives the CPU time
// used since the process started; the meter turns it into a rate by remembering the previous
// sample. The zero value is ready to use; it is safe for concurrent use.
type CPUMeter struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ReadFile reads a /proc file; nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)

	mu        sync.Mutex
	sampled   bool
	lastAt    time.Time
	lastTicks int64
}

// Millicores returns the process's average CPU use in millicores since the previous call;
// the first call only takes a sample and returns 0.
func (m *CPUMeter) Millicores() (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, err := m.readFile(procSelfStat)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", procSelfStat, err)
	}
	ticks, err := parseStatCPUTicks(data)
	if err != nil {
		return 0, fmt.Errorf("parsing %s: %w", procSelfStat, err)
	}
	now := m.now()
	prevSampled, prevAt, prevTicks := m.sampled, m.lastAt, m.lastTicks
	m.sampled, m.lastAt, m.lastTicks = true, now, ticks
	if !prevSampled {
		return 0, nil
	}
	return cpuRate(ticks-prevTicks, now.Sub(prevAt)), nil
}

// Self returns the process's CPU use in millicores (as Millicores) and its resident memory
// (VmRSS) in bytes.
func (m *CPUMeter) Self() (cpuMillicores, memoryBytes int64, err error) {
	cpu, err := m.Millicores()
	if err != nil {
		return 0, 0, err
	}
	data, err := m.readFile(procSelfStatus)
	if err != nil {
		return 0, 0, fmt.Errorf("reading %s: %w", procSelfStatus, err)
	}
	rss, err := parseStatusRSS(data)
	if err != nil {
		return 0, 0, fmt.Errorf("parsing %s: %w", procSelfStatus, err)
	}
	return cpu, rss, nil
}

// cpuRate is ticks of CPU time over elapsed wall time, in millicores, rounded to nearest.
// A clock that did not advance or a counter that went back gives 0, not a wild number.
func cpuRate(ticks int64, elapsed time.Duration) int64 {
	if ticks <= 0 || elapsed <= 0 {
		return 0
	}
	cpu := time.Duration(ticks) * (time.Second / clockTicksPerSecond)
	return (int64(cpu)*1000 + int64(elapsed)/2) / int64(elapsed)
}

func (m *CPUMeter) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *CPUMeter) readFile(name string) ([]byte, error) {
	if m.ReadFile != nil {
		return m.ReadFile(name)
	}
	return os.ReadFile(name)
}
