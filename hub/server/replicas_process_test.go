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

package server_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/internal/pgtest"
)

// leadsLine is what a replica logs when it becomes the leader of the fleet-wide work.
const leadsLine = "This replica leads the fleet-wide background work"

// Three kubearc-hub processes on one PostgreSQL elect one leader; killed with SIGKILL (it
// cannot release its lease), it is replaced once its lease expires.
func TestLeaderKilledIsReplaced(t *testing.T) {
	bin := buildHub(t)
	dsn := pgtest.Start(t).Database(t, "leader")
	first := t.TempDir()
	replicas := map[string]*replicaProcess{"r0": startReplicaProcess(t, bin, first, dsn, "r0")}
	for _, id := range []string{"r1", "r2"} {
		dir := t.TempDir()
		for _, f := range []string{"ca.crt", "ca.key", "data.key", "admin.token"} {
			copyFile(t, filepath.Join(first, f), filepath.Join(dir, f))
		}
		replicas[id] = startReplicaProcess(t, bin, dir, dsn, id)
	}
	leader := waitForLeader(t, replicas, "")
	killed := time.Now()
	replicas[leader].kill()
	delete(replicas, leader)
	next := waitForLeader(t, replicas, leader)
	t.Logf("replica %s killed; %s leads %s later (lease TTL 2s)", leader, next, time.Since(killed).Round(100*time.Millisecond))
}

// replicaProcess is a kubearc-hub replica running as a process, logging to a file.
type replicaProcess struct {
	*hubProcess
	log string
}

// startReplicaProcess starts replica id of bin on PostgreSQL dsn from dataDir.
func startReplicaProcess(t *testing.T, bin, dataDir, dsn, id string) *replicaProcess {
	t.Helper()
	addr := freeAddr(t)
	logPath := filepath.Join(t.TempDir(), id+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = logFile.Close() })
	cmd := exec.Command(bin, "serve", "--listen", addr, "--data-dir", dataDir, "--store", dsn, //nolint:noctx // killed by the test
		"--replica-id", id, "--leader-lease-ttl", "2s", "--log-level", "info")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting replica %s: %v", id, err)
	}
	p := &hubProcess{cmd: cmd, url: "https://" + addr, dataDir: dataDir}
	t.Cleanup(p.kill)
	eventually(t, "replica "+id+" ready", func() string {
		if !p.ready() {
			return "not ready; its log: " + readLog(logPath)
		}
		return ""
	})
	return &replicaProcess{hubProcess: p, log: logPath}
}

// waitForLeader waits until a replica other than not has logged that it leads, and returns
// it. That two never lead at once is hub/replica's test, on a precise record.
func waitForLeader(t *testing.T, replicas map[string]*replicaProcess, not string) string {
	t.Helper()
	var leader string
	eventually(t, "a leader other than "+not, func() string {
		for id, p := range replicas {
			if id != not && strings.Contains(readLog(p.log), leadsLine) {
				leader = id
				return ""
			}
		}
		return "none"
	})
	return leader
}

func readLog(path string) string {
	data, _ := os.ReadFile(path)
	return string(data)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(fmt.Errorf("copying %s: %w", from, err))
	}
}
