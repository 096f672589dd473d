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

package agentlog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/zapr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func msg(i int) protocol.LogLine {
	return protocol.LogLine{Time: time.Unix(int64(i), 0), Level: protocol.LogLevelInfo, Message: fmt.Sprintf("line %d", i)}
}

func TestRingDropsTheOldestAndCountsThem(t *testing.T) {
	r := NewRing(3, 1<<20)
	for i := range 5 {
		r.Push(msg(i))
	}
	b := r.Take(10, 1<<20)
	if b.Dropped != 2 || len(b.Lines) != 3 || b.Lines[0].Message != "line 2" || b.Lines[2].Message != "line 4" {
		t.Fatalf("Take = %+v, want lines 2-4 and 2 dropped", b)
	}
	if b := r.Take(10, 1<<20); b.Dropped != 0 || len(b.Lines) != 0 {
		t.Errorf("second Take = %+v, want nothing: the count goes with one batch", b)
	}
}

func TestRingOfNothingDropsEveryLine(t *testing.T) {
	for _, bounds := range [][2]int{{0, 1 << 20}, {-1, 1 << 20}, {10, 0}, {10, -1}} {
		r := NewRing(bounds[0], bounds[1])
		for i := range 3 {
			r.Push(msg(i))
		}
		if b := r.Take(10, 1<<20); len(b.Lines) != 0 || b.Dropped != 3 {
			t.Errorf("NewRing(%d, %d): Take = %+v, want no lines and 3 dropped", bounds[0], bounds[1], b)
		}
	}
}

func TestRingIsBoundedByBytes(t *testing.T) {
	r := NewRing(1000, 10*size(msg(10)))
	for i := range 100 {
		r.Push(msg(i))
		if _, bytes := r.Len(); bytes > 10*size(msg(10)) {
			t.Fatalf("after %d pushes the ring holds %d bytes, over its bound", i+1, bytes)
		}
	}
	huge := msg(0)
	huge.Message = strings.Repeat("x", 20*size(msg(10)))
	r.Push(huge)
	b := r.Take(1000, 1<<20)
	if len(b.Lines) != 10 || b.Dropped != 91 || b.Lines[9].Message != "line 99" {
		t.Errorf("Take = %d lines ending %q, %d dropped; want the newest 10 and 91 dropped (the huge line too)",
			len(b.Lines), b.Lines[len(b.Lines)-1].Message, b.Dropped)
	}
}

func TestTakeBoundsABatch(t *testing.T) {
	r := NewRing(100, 1<<20)
	for i := range 10 {
		r.Push(msg(i))
	}
	if b := r.Take(4, 1<<20); len(b.Lines) != 4 {
		t.Errorf("Take(4 lines) = %d lines", len(b.Lines))
	}
	if b := r.Take(100, 2*size(msg(0))); len(b.Lines) != 2 || b.Lines[0].Message != "line 4" {
		t.Errorf("Take(2 lines' bytes) = %+v", b.Lines)
	}
	if b := r.Take(100, 1); len(b.Lines) != 1 {
		t.Errorf("Take(1 byte) = %d lines, want one: a batch always makes progress", len(b.Lines))
	}
}

// TestPushNeverBlocks fills a ring nobody reads from many goroutines: every Push returns.
func TestPushNeverBlocks(t *testing.T) {
	r := NewRing(16, 4096)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10_000 {
				r.Push(msg(g*10_000 + i))
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Push blocked on a full ring")
	}
	b := r.Take(100, 1<<20)
	if int64(len(b.Lines))+b.Dropped != 80_000 {
		t.Errorf("kept %d + dropped %d lines, want 80000 in all", len(b.Lines), b.Dropped)
	}
}

func TestRedactText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Authorization: Bearer abc.def", "Authorization: Bearer [REDACTED]"},
		{"Authorization: [REDACTED]", "Authorization: [REDACTED]"},
		// A header map as fmt prints it: the bracket must not end the match before the token.
		{"headers map[Authorization:[Bearer eyJhbGciOi.x.y]]", "headers map[Authorization:[Bearer [REDACTED]]]"},
		{`"authorization": "Basic YWxpY2U6cGFzcw=="`, `"authorization": "[REDACTED]"`},
		// Quoted values with spaces are replaced whole.
		{`password: "has space inside" user=bob`, `password: "[REDACTED]" user=bob`},
		{`secret='two words'`, `secret='[REDACTED]'`},
		// Passwords in URLs.
		{"proxy http://alice:pass@proxy:3128 failed", "proxy http://alice:[REDACTED]@proxy:3128 failed"},
		{"dial https://proxy.example:8443/x", "dial https://proxy.example:8443/x"},
		// Any key naming a secret, as for fields.
		{"storageAccountKey=abc123 region=eu", "storageAccountKey=[REDACTED] region=eu"},
		{"clientCredential: xyz", "clientCredential: [REDACTED]"},
		{"protectedSettings=abc", "protectedSettings=[REDACTED]"},
		{"api_key=k1 private-key=k2", "api_key=[REDACTED] private-key=[REDACTED]"},
		// Base64-encoded PEM, as in a kubeconfig's certificate-authority-data.
		{"data LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM= end", "data [REDACTED] end"},
		{"key: -----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----", "key: [REDACTED]"},
		{`calling hub with bearer eyJhbGciOi.x.y`, "calling hub with bearer [REDACTED]"},
		{"password=hunter2 user=bob", "password=[REDACTED] user=bob"},
		{`{"token": "s3cr3t"}`, `{"token": "[REDACTED]"}`},
		{"key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nafter", "key:\n[REDACTED]\nafter"},
		{"-----BEGIN PRIVATE KEY-----\ncut off", "[REDACTED]"},
		{"Reconciled the extension", "Reconciled the extension"},
	} {
		if got := RedactText(tt.in); got != tt.want {
			t.Errorf("RedactText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCoreShipsRedactedLinesAtItsLevel(t *testing.T) {
	ring := NewRing(100, 1<<20)
	level, err := ParseLevel("info")
	if err != nil {
		t.Fatal(err)
	}
	type creds struct {
		User     string `json:"user"`
		Password string `json:"password"`
	}
	log := zap.New(NewCore(ring, level)).Named("connection").With(zap.String("cluster", "c1"))
	log.Debug("Not shipped")
	log.Info("Registered\x1b[31m", zap.String("clientSecret", "canary-1"), zap.Any("login", creds{"bob", "canary-2"}),
		zap.String("header", "Authorization: Bearer canary-3"), zap.Int("attempt", 2))
	level.SetLevel(zapcore.DebugLevel)
	log.Debug("Shipped now")
	b := ring.Take(10, 1<<20)
	if len(b.Lines) != 2 || b.Lines[1].Level != protocol.LogLevelDebug {
		t.Fatalf("lines = %+v, want the info line and, after the level changed, the debug one", b.Lines)
	}
	l := b.Lines[0]
	if err := l.Validate(); err != nil {
		t.Errorf("shipped line is invalid: %v", err)
	}
	var fields map[string]any
	if err := json.Unmarshal(l.Fields, &fields); err != nil {
		t.Fatal(err)
	}
	if l.Logger != "connection" || l.Message != "Registered\uFFFD[31m" || fields["cluster"] != "c1" || fields["attempt"] != 2.0 {
		t.Errorf("line = %+v %s", l, l.Fields)
	}
	if strings.Contains(string(l.Fields), "canary") {
		t.Errorf("fields %s hold a credential", l.Fields)
	}
}

// TestShipperBacksOffWhileTheHubIsUnreachable logs at debug through the agent's core while
// the hub cannot be reached and the Ring stays half full: the Shipper keeps to its backoff
// instead of retrying at every new line, and its own failures do not fill the Ring.
func TestShipperBacksOffWhileTheHubIsUnreachable(t *testing.T) {
	ring := NewRing(10, 1<<20)
	log := zap.New(NewCore(ring, zapcore.DebugLevel))
	var mu sync.Mutex
	attempts := 0
	shipper := &Shipper{Ring: ring, Interval: 10 * time.Millisecond, Log: zapr.NewLogger(log).WithName(ShipperLoggerName),
		Hub: func() *agentclient.Client {
			mu.Lock()
			defer mu.Unlock()
			attempts++
			return nil // not registered: every send fails and is retried
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = shipper.Start(ctx); close(done) }()
	deadline := time.Now().Add(1500 * time.Millisecond)
	for i := 0; time.Now().Before(deadline); i++ {
		log.Info("Reconciled", zap.Int("i", i))
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	// The first attempt, then backoffs of about 1s and 2s: at most 3 in 1.5s.
	if attempts < 1 || attempts > 3 {
		t.Errorf("%d attempts to ship in 1.5s, want 1 to 3 (the backoff)", attempts)
	}
	for _, l := range ring.Take(100, 1<<20).Lines {
		if l.Logger == ShipperLoggerName {
			t.Errorf("the Ring holds the Shipper's own line %q", l.Message)
		}
	}
}

func TestCoreLeavesOutTheShippersOwnLines(t *testing.T) {
	ring := NewRing(10, 1<<20)
	log := zapr.NewLogger(zap.New(NewCore(ring, zapcore.DebugLevel)))
	log.WithName(ShipperLoggerName).V(1).Info("Shipping the agent's log failed; retrying")
	log.WithName(ShipperLoggerName).WithName("batch").Error(nil, "Failed")
	log.WithName("agentloggers").Info("Shipped")
	if b := ring.Take(10, 1<<20); len(b.Lines) != 1 || b.Lines[0].Logger != "agentloggers" {
		t.Errorf("ring holds %+v, want only the line of logger agentloggers", b.Lines)
	}
}

func TestRedactFieldsByKey(t *testing.T) {
	fields := map[string]any{
		"storageAccountKey": "k", "protectedSettings": map[string]any{"x": "y"}, "clientCredential": "c",
		"Authorization": "Basic abc", "cluster": "c1",
		"proxy": "http://alice:pass@proxy:3128", "headers": "map[Authorization:[Bearer eyJ.x.y]]",
	}
	RedactFields(fields)
	for _, k := range []string{"storageAccountKey", "protectedSettings", "clientCredential", "Authorization"} {
		if fields[k] != redacted {
			t.Errorf("field %s = %v, want it redacted", k, fields[k])
		}
	}
	if fields["cluster"] != "c1" || fields["proxy"] != "http://alice:[REDACTED]@proxy:3128" ||
		fields["headers"] != "map[Authorization:[Bearer [REDACTED]]]" {
		t.Errorf("fields = %v", fields)
	}
}
