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
	"strings"
	"testing"
)

// statLine is /proc/<pid>/stat as Linux writes it, with utime and stime set and comm given.
func statLine(comm, utime, stime string) string {
	return "4062 (" + comm + ") S 4060 4060 32486 0 -1 4194304 99 0 0 0 " + utime + " " + stime +
		" 0 0 20 0 12 0 515991 3133440 414 18446744073709551615 94014899830784 94014899850665 " +
		"140732802751424 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94014899866672 94014899868288\n"
}

func TestParseStatCPUTicks(t *testing.T) {
	tests := []struct {
		name    string
		stat    string
		want    int64
		wantErr string
	}{
		{"agent", statLine("kubearc-agent", "1234", "567"), 1801, ""},
		{"command name with spaces and parentheses", statLine("a) (b c) 9 9", "10", "5"), 15, ""},
		{"no command name", "4062 S 4060", 0, "no command name"},
		{"truncated", "4062 (agent) S 4060 4060 32486 0 -1 4194304 99 0 0 0 12", 0, "want at least 13"},
		{"not a number", statLine("agent", "x", "5"), 0, "field 14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatCPUTicks([]byte(tt.stat))
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestParseStatusRSS(t *testing.T) {
	const head = "Name:\tkubearc-agent\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t  812345 kB\nVmHWM:\t   45000 kB\n"
	tests := []struct {
		name    string
		status  string
		want    int64
		wantErr string
	}{
		{"agent", head + "VmRSS:\t   41234 kB\nRssAnon:\t   30000 kB\n", 41234 * 1024, ""},
		{"last line without newline", head + "VmRSS:\t 1 kB", 1024, ""},
		{"kernel thread has no VmRSS", head, 0, "no VmRSS line"},
		{"unexpected unit", head + "VmRSS:\t 1 MB\n", 0, "unexpected line"},
		{"not a number", head + "VmRSS:\t x kB\n", 0, "VmRSS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatusRSS([]byte(tt.status))
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func checkParse(t *testing.T, got int64, err error, want int64, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error = %v, want one containing %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got != want {
		t.Errorf("got %d, want %d", got, want)
	}
}
