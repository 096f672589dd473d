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
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kubearc/kubearc/pkg/agentpubkey"
)

// benchSubscription holds every cluster the generator creates, one resource group per run.
const benchSubscription = "hubload"

// setUp creates n connectedClusters, each with its own ECDSA P-256 agent key, and registers
// each agent, concurrency at a time, as `arcctl connectedk8s connect` and the agent would.
func setUp(ctx context.Context, h *Hub, adm *admin, cfg Config) ([]*Agent, error) {
	n := cfg.Agents
	group, err := runGroup()
	if err != nil {
		return nil, err
	}
	agents := make([]*Agent, n)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	indexes := make(chan int)
	var wg sync.WaitGroup
	var done atomic.Int64
	for range max(cfg.SetupConcurrency, 1) {
		wg.Go(func() {
			for i := range indexes {
				if err := setUpOne(ctx, h, adm, group, i, agents, cfg.Tunnels); err != nil {
					cancel(err)
					return
				}
				reportProgress(cfg.Progress, done.Add(1), n)
			}
		})
	}
	feed(ctx, indexes, n)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return agents, nil
}

func feed(ctx context.Context, indexes chan<- int, n int) {
	defer close(indexes)
	for i := range n {
		select {
		case indexes <- i:
		case <-ctx.Done():
			return
		}
	}
}

func reportProgress(w io.Writer, done int64, n int) {
	if step := int64(max(n/10, 1)); done%step == 0 || done == int64(n) {
		_, _ = fmt.Fprintf(w, "  set up %d/%d clusters\n", done, n)
	}
}

// setUpOne creates cluster i and registers its agent as agents[i].
func setUpOne(ctx context.Context, h *Hub, adm *admin, group string, i int, agents []*Agent, tunnels bool) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generating the key of agent %d: %w", i, err)
	}
	public, err := agentpubkey.Encode(&key.PublicKey)
	if err != nil {
		return fmt.Errorf("encoding the key of agent %d: %w", i, err)
	}
	path := clusterPath(benchSubscription, group, fmt.Sprintf("agent-%05d", i))
	if err := adm.createCluster(ctx, path, public); err != nil {
		return err
	}
	reg, err := adm.register(ctx, path, key)
	if err != nil {
		return err
	}
	agents[i] = newAgent(h, path, reg.tls, tunnels)
	return nil
}

// runGroup names a fresh resource group, so runs against an attached hub do not collide.
func runGroup() (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("naming the resource group: %w", err)
	}
	return "hubload-" + time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b), nil
}
