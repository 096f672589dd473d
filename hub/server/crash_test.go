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
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// crashWriters write at once in TestCrashKeepsAcknowledgedWrites; the hub is killed once
// crashAcks writes were acknowledged.
const crashWriters, crashAcks = 8, 150

// acks records the writes the crashed hub acknowledged: per cluster the last tag n a PATCH
// stored, and the extensions a PUT created.
type acks struct {
	mu         sync.Mutex
	lastTag    map[string]int
	extensions []string
	count      int
}

func (a *acks) tag(cluster string, n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lastTag[cluster], a.count = n, a.count+1
}

func (a *acks) extension(path string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.extensions, a.count = append(a.extensions, path), a.count+1
}

func (a *acks) total() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.count
}

// TestCrashKeepsAcknowledgedWrites runs the kubearc-hub binary, bursts writes at it from
// several clients, kills it (SIGKILL) in the middle of the burst and starts it again on the
// same data directory: every write it acknowledged is there, and the database passes
// SQLite's integrity check.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the hub binary")
	}
	bin, dataDir, addr := buildHub(t), t.TempDir(), freeAddr(t)
	p := startHubProcess(t, bin, addr, dataDir)
	keys := make([]string, crashWriters)
	for w := range keys {
		keys[w] = newAgentKey(t).public
	}
	a := &acks{lastTag: map[string]int{}}
	ctx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Go(func() { p.burst(ctx, fmt.Sprintf("crash-%d", w), keys[w], a) })
	}
	for deadline := time.Now().Add(time.Minute); a.total() < crashAcks && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	p.kill()
	stop()
	wg.Wait()
	if a.total() < crashAcks {
		t.Fatalf("the hub acknowledged only %d writes before it was killed", a.total())
	}
	p = startHubProcess(t, bin, addr, dataDir)
	p.verify(t, a)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("kubearc-hub after SIGTERM: %v", err)
	}
	integrityCheck(t, dataDir)
}

// burst creates the cluster name, then PATCHes its tag n = 1, 2, … and every third time
// adds an extension, recording what the hub acknowledged, until ctx ends or the hub is gone.
func (p *hubProcess) burst(ctx context.Context, name, key string, a *acks) {
	path := clusterPath(sub, rg, name)
	body := clusterBody(agentKey{public: key})
	body["tags"] = map[string]string{"n": "0"}
	if p.arm(ctx, http.MethodPut, path+api2024, body) != http.StatusCreated {
		return
	}
	a.tag(path, 0)
	for n := 1; ctx.Err() == nil; n++ {
		if p.arm(ctx, http.MethodPatch, path+api2024, map[string]any{"tags": map[string]string{"n": strconv.Itoa(n)}}) != http.StatusOK {
			return
		}
		a.tag(path, n)
		if n%3 != 0 {
			continue
		}
		ext := extensionPath(name, fmt.Sprintf("e%d", n)) + apiExt
		if p.arm(ctx, http.MethodPut, ext, extBody(map[string]any{"extensionType": "gatekeeper"})) != http.StatusCreated {
			return
		}
		a.extension(ext)
	}
}

// arm sends a management request as the admin and returns its status; 0 when it got no
// answer.
func (p *hubProcess) arm(ctx context.Context, method, path string, body any) int {
	data, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, method, p.url+path, bytes.NewReader(data))
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.client.Do(req)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// verify checks that the restarted hub has every acknowledged write: each cluster's tag is
// the last acknowledged one or the next (written, but killed before it answered), and
// every acknowledged extension exists.
func (p *hubProcess) verify(t *testing.T, a *acks) {
	t.Helper()
	for path, n := range a.lastTag {
		var doc struct {
			Tags map[string]string `json:"tags"`
		}
		status := p.get(t, path+api2024, &doc)
		got, _ := strconv.Atoi(doc.Tags["n"])
		if status != http.StatusOK || (got != n && got != n+1) {
			t.Errorf("%s after the crash: %d, tag n=%q; want 200 with n=%d (acknowledged) or %d", path, status, doc.Tags["n"], n, n+1)
		}
	}
	for _, path := range a.extensions {
		if status := p.get(t, path, nil); status != http.StatusOK {
			t.Errorf("acknowledged extension %s after the crash: %d, want 200", path, status)
		}
	}
}

// get reads path as the admin into v (when not nil) and returns the status.
func (p *hubProcess) get(t *testing.T, path string, v any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, p.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if v != nil {
		_ = json.NewDecoder(resp.Body).Decode(v)
	}
	return resp.StatusCode
}
