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
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// process is a process as /proc shows it: its ID and start time, which together name it
// even after its ID is reused.
type process struct {
	pid   int
	start string
}

// childrenOf returns the processes whose parent is pid.
func childrenOf(pid int) []process {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var children []process
	for _, path := range stats {
		ppid, start, ok := readStat(path)
		if ok && ppid == strconv.Itoa(pid) {
			id, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
			children = append(children, process{pid: id, start: start})
		}
	}
	return children
}

// alive reports whether p still runs (and is still the process it was).
func (p process) alive() bool {
	_, start, ok := readStat("/proc/" + strconv.Itoa(p.pid) + "/stat")
	return ok && start == p.start
}

// readStat returns the parent's ID and the start time from a /proc/PID/stat file.
func readStat(path string) (ppid, start string, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", "", false
	}
	// pid (comm) state ppid … starttime is field 22; comm may hold spaces and parentheses.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(fields) < 20 {
		return "", "", false
	}
	return fields[1], fields[19], true
}
