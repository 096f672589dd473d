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

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/test/bench/loadgen"
)

// subscription holds every cluster the benchmark creates.
const subscription = "logload"

// env is the hub under load and how to reach it.
type env struct {
	hub   *loadgen.Hub
	admin *loadgen.Admin
	caPEM []byte
	// group is this run's resource group.
	group string
}

// newAgent creates connectedCluster name with a fresh agent key and registers an agent
// client for it, as `arcctl connectedk8s connect` and the agent do.
func (e *env) newAgent(ctx context.Context, name string) (*agentclient.Client, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating the agent key of %s: %w", name, err)
	}
	public, err := agentpubkey.Encode(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("encoding the agent key of %s: %w", name, err)
	}
	id, err := e.admin.CreateCluster(ctx, subscription, e.group, name, public)
	if err != nil {
		return nil, err
	}
	c, err := agentclient.New(agentclient.Options{HubURL: e.hub.URL, ClusterID: id, Key: key, HubCAPEM: e.caPEM})
	if err != nil {
		return nil, err
	}
	if _, err := c.Register(ctx); err != nil {
		c.Close()
		return nil, fmt.Errorf("registering %s: %w", name, err)
	}
	return c, nil
}

// stored is what the hub serves of a cluster's log (the logs endpoint, every line).
type stored struct {
	// agent counts the agent's lines; hub the hub's own (the notices of dropped lines).
	agent, hub int
	// distinct counts the agent's lines by their distinct "seq" field.
	distinct int
}

// storedLines reads cluster id's whole log back from the hub.
func (e *env) storedLines(ctx context.Context, id string) (stored, error) {
	body, err := e.admin.Get(ctx, "/kubearc/v1"+id+"/logs")
	if err != nil {
		return stored{}, err
	}
	var s stored
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l struct {
			Logger string                     `json:"logger"`
			Fields map[string]json.RawMessage `json:"fields"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return stored{}, fmt.Errorf("decoding a log line of %s: %w", id, err)
		}
		if l.Logger == "kubearc-hub" {
			s.hub++
			continue
		}
		s.agent++
		seen[string(l.Fields["seq"])] = true
	}
	s.distinct = len(seen)
	return s, sc.Err()
}

// procUsage is a process's CPU over a window and its memory.
type procUsage struct {
	cpu      time.Duration
	rss, hwm int64
}

func (u procUsage) String(window time.Duration) string {
	return fmt.Sprintf("CPU %.1fs = %.1f%% of one core, RSS %s (VmHWM %s)", u.cpu.Seconds(),
		100*u.cpu.Seconds()/window.Seconds(), mib(u.rss), mib(u.hwm))
}

// usageBetween is pid's CPU since before and its memory now.
func usageBetween(pid string, before loadgen.ProcSample) (procUsage, error) {
	after, err := loadgen.ReadProc(pid)
	return procUsage{cpu: after.CPU - before.CPU, rss: after.RSS, hwm: after.HWM}, err
}

var self = strconv.Itoa(os.Getpid())

// sampleLine is a structured line like the agent's reconcilers log; seq numbers it.
func sampleLine(seq int64, now time.Time) protocol.LogLine {
	ns, name := fmt.Sprintf("tenant-%02d", seq%17), fmt.Sprintf("app-%03d", seq%251)
	if seq%10 == 9 {
		return protocol.LogLine{Time: now, Level: protocol.LogLevelWarn, Logger: "controllers.gitopsconfig",
			Message: "Reconciler error", Fields: json.RawMessage(fmt.Sprintf(
				`{"controller":"gitopsconfig","namespace":%q,"name":%q,"reconcileID":"%08x-5c1e-4f7a-9b1d-%012x","error":"applying kustomization: context deadline exceeded","seq":%d}`,
				ns, name, seq, seq*7919, seq))}
	}
	return protocol.LogLine{Time: now, Level: protocol.LogLevelInfo, Logger: "controllers.extension",
		Message: "Reconciled object", Fields: json.RawMessage(fmt.Sprintf(
			`{"controller":"extension","namespace":%q,"name":%q,"reconcileID":"%08x-5c1e-4f7a-9b1d-%012x","revision":%d,"duration":"%dms","seq":%d}`,
			ns, name, seq, seq*7919, seq%97, 3+seq%40, seq))}
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
