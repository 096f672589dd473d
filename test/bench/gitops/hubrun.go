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
	"context"
	"fmt"
	"time"
)

// binaries are the executables the hub run starts.
type binaries struct {
	agent, hub, arcctl string
}

// runHub measures both latencies through the hub: a local cluster, bin/kubearc-hub, the
// cluster connected by arcctl with a local agent process.
func runHub(ctx context.Context, changes int, poll time.Duration, bins binaries) error {
	env, c, err := startCluster()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	dir, kubeconfig, err := adminKubeconfig(env)
	if err != nil {
		return err
	}
	hub, err := startHub(ctx, bins.hub, dir)
	if err != nil {
		return err
	}
	defer hub.stop()
	stopAgent, err := connectCluster(ctx, hub, bins.arcctl, bins.agent, kubeconfig)
	if err != nil {
		return err
	}
	defer stopAgent()
	b := &hubBench{bench: bench{c: c}, hub: hub, poll: poll}
	if err := b.setUpHub(ctx); err != nil {
		return err
	}
	lost, err := b.measureBoth(ctx, changes,
		direction{"ARM PUT fluxConfiguration -> GitRepository in the cluster", b.putToGitRepository},
		direction{"GitRepository Ready change -> hub complianceState (GET)", b.statusToHub})
	if err != nil {
		return err
	}
	if b.gets > 0 {
		fmt.Printf("hub polling: a GET every %s after the previous answer; %d GETs, mean round trip %s\n",
			poll, b.gets, (b.getTime / time.Duration(b.gets)).Round(time.Microsecond))
	}
	return lostProbes(lost)
}
