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
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeProc is a /proc with a settable CPU counter and RSS, and a clock the test advances.
type fakeProc struct {
	ticks int64
	rss   string
	now   time.Time
}

func (p *fakeProc) meter() *CPUMeter {
	return &CPUMeter{Now: func() time.Time { return p.now }, ReadFile: p.readFile}
}

func (p *fakeProc) readFile(name string) ([]byte, error) {
	switch name {
	case procSelfStat:
		// Split the ticks between utime and stime to check that both count.
		return []byte(statLine("kubearc-agent", strconv.FormatInt(p.ticks/2, 10), strconv.FormatInt(p.ticks-p.ticks/2, 10))), nil
	case procSelfStatus:
		if p.rss == "" {
			return nil, fs.ErrNotExist
		}
		return []byte("Name:\tkubearc-agent\nVmRSS:\t" + p.rss + " kB\n"), nil
	}
	return nil, fs.ErrNotExist
}

func TestCPUMeterMillicores(t *testing.T) {
	steps := []struct {
		name    string
		ticks   int64 // CPU ticks used since the previous step (100 a second)
		elapsed time.Duration
		want    int64
	}{
		{"first call only samples", 5000, 0, 0},
		{"half a core", 50, time.Second, 500},
		{"one core over two seconds", 200, 2 * time.Second, 1000},
		{"two cores", 400, 2 * time.Second, 2000},
		{"idle", 0, time.Minute, 0},
		{"a little over a minute", 1, time.Minute, 0},
		{"rounded to nearest", 1, 15 * time.Second, 1},
		{"clock did not move", 10, 0, 0},
	}
	p := &fakeProc{ticks: 0, now: time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC)}
	m := p.meter()
	for _, s := range steps {
		p.ticks += s.ticks
		p.now = p.now.Add(s.elapsed)
		got, err := m.Millicores()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: Millicores = %d, want %d", s.name, got, s.want)
		}
	}
}

func TestCPUMeterSelf(t *testing.T) {
	p := &fakeProc{ticks: 100, rss: "41234", now: time.Unix(1000, 0)}
	m := p.meter()
	if cpu, mem, err := m.Self(); err != nil || cpu != 0 || mem != 41234*1024 {
		t.Fatalf("first Self = %d, %d, %v; want 0, %d, nil", cpu, mem, err, 41234*1024)
	}
	p.ticks += 25
	p.now = p.now.Add(time.Second)
	p.rss = "50000"
	if cpu, mem, err := m.Self(); err != nil || cpu != 250 || mem != 50000*1024 {
		t.Fatalf("second Self = %d, %d, %v; want 250, %d, nil", cpu, mem, err, 50000*1024)
	}
}

func TestCPUMeterErrors(t *testing.T) {
	p := &fakeProc{ticks: 100, now: time.Unix(1000, 0)}
	_, _, err := p.meter().Self()
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), procSelfStatus) {
		t.Errorf("Self without a status file: %v, want a wrapped not-exist error naming %s", err, procSelfStatus)
	}
	m := &CPUMeter{ReadFile: func(string) ([]byte, error) { return []byte("garbage"), nil }}
	if _, err := m.Millicores(); err == nil || !strings.Contains(err.Error(), procSelfStat) {
		t.Errorf("Millicores on a garbled stat: %v, want an error naming %s", err, procSelfStat)
	}
}

// TestCPUMeterRealProc reads this test process's own /proc, where it exists.
func TestCPUMeterRealProc(t *testing.T) {
	var m CPUMeter
	if _, _, err := m.Self(); errors.Is(err, fs.ErrNotExist) {
		t.Skip("no /proc on this system")
	} else if err != nil {
		t.Fatalf("Self: %v", err)
	}
	_, mem, err := m.Self()
	if err != nil || mem <= 0 {
		t.Errorf("Self = memory %d, %v; want a positive RSS", mem, err)
	}
}
