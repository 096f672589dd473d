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
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Lines client-go's leader election logs; a replica speaks for the cluster only after the
// second one.
const (
	waitingForLease = "Attempting to acquire leader lease"
	acquiredLease   = "Successfully acquired lease"
)

// failover starts a second agent replica beside the one arcctl started: it must wait for the
// lease while the first one runs, and keep the cluster connected once the first one stops.
func (e *env) failover() {
	e.t.Helper()
	agentDir := filepath.Join(e.dir, "agents", cluster)
	e.start("kubearc-agent", "--kubeconfig", filepath.Join(agentDir, "kubeconfig"), "--namespace", "kubearc-system",
		"--leader-election-namespace", "kubearc-system", "--metrics-bind-address", "0",
		"--health-probe-bind-address", freeAddr(e.t))
	defer e.stop("kubearc-agent")
	replicaLog := filepath.Join(e.dir, "kubearc-agent.log")
	e.waitFor("the second replica to wait for the lease", time.Minute, func() error { return logHas(replicaLog, waitingForLease) })
	time.Sleep(15 * time.Second) // longer than the lease duration: a broken election would have let it in
	if logHas(replicaLog, acquiredLease) == nil {
		e.t.Fatal("the second replica acquired the lease while the first one was running")
	}

	raw, err := os.ReadFile(e.agentPIDFile())
	if err != nil {
		e.t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		e.t.Fatalf("stopping the first replica: %v", err)
	}
	stopped := time.Now()
	e.waitFor("the second replica to take the lease", 2*time.Minute, func() error { return logHas(replicaLog, acquiredLease) })
	e.waitFor("a heartbeat from the second replica", 2*time.Minute, func() error { return e.heartbeatAfter(stopped) })
}

func logHas(path, text string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !strings.Contains(string(b), text) {
		return fmt.Errorf("%s does not say %q yet", filepath.Base(path), text)
	}
	return nil
}

// heartbeatAfter checks that the hub's lastConnectivityTime is after t and it shows Connected.
func (e *env) heartbeatAfter(t time.Time) error {
	var c struct {
		Properties struct {
			ConnectivityStatus   string    `json:"connectivityStatus"`
			LastConnectivityTime time.Time `json:"lastConnectivityTime"`
		} `json:"properties"`
	}
	if err := e.showCluster(&c); err != nil {
		return err
	}
	if c.Properties.ConnectivityStatus != "Connected" || !c.Properties.LastConnectivityTime.After(t) {
		return fmt.Errorf("hub shows %s, last heartbeat %s; want Connected after %s", c.Properties.ConnectivityStatus,
			c.Properties.LastConnectivityTime.Format(time.RFC3339), t.Format(time.RFC3339))
	}
	return nil
}
