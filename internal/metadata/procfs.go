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
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Fields of /proc/<pid>/stat (proc(5)), counted from 1. The second field, the command name in
// parentheses, may itself hold spaces and parentheses, so fields are counted after its last ')'
// where field 3 (state) comes first.
const (
	statFirstAfterComm = 3
	statUTime          = 14
	statSTime          = 15
)

// parseStatCPUTicks returns utime + stime, the process's user and system CPU time in clock
// ticks, from the contents of /proc/<pid>/stat.
func parseStatCPUTicks(stat []byte) (int64, error) {
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, errors.New("no command name in parentheses")
	}
	fields := strings.Fields(string(stat[end+1:]))
	if len(fields) <= statSTime-statFirstAfterComm {
		return 0, fmt.Errorf("%d fields after the command name, want at least %d",
			len(fields), statSTime-statFirstAfterComm+1)
	}
	var total int64
	for _, field := range []int{statUTime, statSTime} {
		ticks, err := strconv.ParseInt(fields[field-statFirstAfterComm], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("field %d: %w", field, err)
		}
		total += ticks
	}
	return total, nil
}

// parseStatusRSS returns VmRSS in bytes from the contents of /proc/<pid>/status, where it is
// a line like "VmRSS:     41234 kB" (the kernel's kB are KiB).
func parseStatusRSS(status []byte) (int64, error) {
	for line := range strings.Lines(string(status)) {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("unexpected line %q", strings.TrimSpace(line))
		}
		kib, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("VmRSS: %w", err)
		}
		return kib * 1024, nil
	}
	return 0, errors.New("no VmRSS line")
}
