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
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

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
		{"Authorization: Bearer abc.def", "Authorization: [REDACTED]"},
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
