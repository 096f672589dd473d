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

package armapi

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/diagnostics"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const logsPath = "/kubearc/v1/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1/logs"

// logStore is the part of the store the logs endpoint uses: a cluster that exists until
// gone is set, and a log that listLogs answers.
type logStore struct {
	store.Store
	gone     atomic.Bool
	listLogs func(q store.LogQuery) ([]store.LogBatch, error)
}

func (s *logStore) GetResource(context.Context, string) (*store.Resource, error) {
	if s.gone.Load() {
		return nil, store.ErrNotFound
	}
	return &store.Resource{Body: json.RawMessage(`{}`)}, nil
}

func (s *logStore) ListLogs(_ context.Context, _ string, q store.LogQuery) ([]store.LogBatch, error) {
	return s.listLogs(q)
}

// logLines is a batch after seq after with n info lines of message msg.
func logLines(after int64, n int, msg string) store.LogBatch {
	b := store.LogBatch{Seq: after + 1, ReceivedAt: time.Now().UTC()}
	for range n {
		b.Lines = append(b.Lines, protocol.LogLine{Time: time.Now().UTC(), Level: protocol.LogLevelInfo, Message: msg})
	}
	return b
}

// oneBatch answers a batch of msg lines first, then nothing.
func oneBatch(msg string) func(q store.LogQuery) ([]store.LogBatch, error) {
	return func(q store.LogQuery) ([]store.LogBatch, error) {
		if q.After > 0 {
			return nil, nil
		}
		return []store.LogBatch{logLines(0, 1, msg)}, nil
	}
}

// logsServer serves the logs endpoint of st to an Owner, and reports on the channel when a
// request's handler returned.
func logsServer(t *testing.T, st store.Store, writeTimeout time.Duration) (*httptest.Server, <-chan struct{}) {
	t.Helper()
	a := &API{Store: st, Log: slog.New(slog.DiscardHandler), StreamWriteTimeout: writeTimeout,
		Diagnostics: &diagnostics.Service{Store: st, Log: slog.New(slog.DiscardHandler), Revocations: auth.NewRevocations(nil)}}
	done := make(chan struct{}, 10)
	h := a.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		h.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), auth.Principal{TokenID: "t1", Name: "owner", Role: auth.Owner, Scope: "/subscriptions/sub"})))
	}))
	t.Cleanup(srv.Close)
	return srv, done
}

// logsResponse is an answer of the logs endpoint; its body is closed when the test ends.
type logsResponse struct {
	StatusCode int
	Body       io.Reader
}

func getLogs(t *testing.T, srv *httptest.Server, query string) logsResponse {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+logsPath+query, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return logsResponse{StatusCode: resp.StatusCode, Body: resp.Body}
}

// readLines reads a stream to its end.
func readLines(t *testing.T, resp logsResponse) []protocol.LogLine {
	t.Helper()
	var out []protocol.LogLine
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		var l protocol.LogLine
		if err := json.Unmarshal(lines.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", lines.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

// TestLogStreamOfAStalledReaderEnds: a client that stops reading holds the handler only
// until a write's deadline, and the store is read in pages bounded by size.
func TestLogStreamOfAStalledReaderEnds(t *testing.T) {
	var maxBytes atomic.Int64
	st := &logStore{listLogs: func(q store.LogQuery) ([]store.LogBatch, error) {
		maxBytes.Store(q.MaxBytes)
		return []store.LogBatch{logLines(q.After, 100, strings.Repeat("x", 16<<10))}, nil // a log without end
	}}
	srv, done := logsServer(t, st, 200*time.Millisecond)
	resp := getLogs(t, srv, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// The client reads nothing more.
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the handler still writes to a client that stopped reading 20s ago")
	}
	if got := maxBytes.Load(); got <= 0 || got > 8<<20 {
		t.Errorf("pages of the log read with MaxBytes %d, want a few MiB", got)
	}
}

// TestLogStreamErrors: a failure to read the first page is an error status; one later ends
// the stream with the hub's line telling why.
func TestLogStreamErrors(t *testing.T) {
	failing := &logStore{listLogs: func(store.LogQuery) ([]store.LogBatch, error) { return nil, errors.New("disk I/O error") }}
	srv, _ := logsServer(t, failing, 0)
	if resp := getLogs(t, srv, ""); resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("first page failing: status %d, want 500", resp.StatusCode)
	}

	later := &logStore{listLogs: func(q store.LogQuery) ([]store.LogBatch, error) {
		if q.After > 0 {
			return nil, errors.New("disk I/O error")
		}
		return []store.LogBatch{logLines(0, 1, "first")}, nil
	}}
	srv, _ = logsServer(t, later, 0)
	resp := getLogs(t, srv, "")
	lines := readLines(t, resp)
	if resp.StatusCode != http.StatusOK || len(lines) != 2 || lines[0].Message != "first" {
		t.Fatalf("later page failing: status %d, lines %+v", resp.StatusCode, lines)
	}
	if reason, _ := protocol.StreamEndReason(lines[1]); reason != protocol.StreamEndedError {
		t.Errorf("last line %+v: reason %q, want %q", lines[1], reason, protocol.StreamEndedError)
	}
}

// TestLogStreamFollowEndsWhenTheClusterIsDeleted: follow takes any boolean (1 follows), and a
// followed stream ends with the hub's line when the cluster is deleted.
func TestLogStreamFollowEndsWhenTheClusterIsDeleted(t *testing.T) {
	st := &logStore{listLogs: oneBatch("first")}
	srv, _ := logsServer(t, st, 0)
	resp := getLogs(t, srv, "?follow=1")
	st.gone.Store(true)
	lines := readLines(t, resp)
	if len(lines) != 2 || lines[0].Message != "first" {
		t.Fatalf("lines %+v", lines)
	}
	if reason, _ := protocol.StreamEndReason(lines[1]); reason != protocol.StreamEndedClusterDeleted {
		t.Errorf("last line %+v: reason %q, want %q", lines[1], reason, protocol.StreamEndedClusterDeleted)
	}
	// follow=false reads the log once, with no end line.
	st.gone.Store(false)
	if lines := readLines(t, getLogs(t, srv, "?follow=false")); len(lines) != 1 {
		t.Errorf("follow=false: lines %+v, want the one stored", lines)
	}
}

// TestLogQueryValidation: bad follow, since and level are 400; grep is plain text.
func TestLogQueryValidation(t *testing.T) {
	st := &logStore{listLogs: oneBatch("a.c [x] a+b")}
	srv, _ := logsServer(t, st, 0)
	for _, q := range []string{"?follow=yes", "?follow=on", "?since=-1h", "?since=yesterday", "?level=loud"} {
		resp := getLogs(t, srv, q)
		var e errorBody
		if err := json.NewDecoder(resp.Body).Decode(&e); resp.StatusCode != http.StatusBadRequest || err != nil || e.Error.Code != codeInvalidParameter {
			t.Errorf("%s: status %d, error %+v, want 400 %s", q, resp.StatusCode, e, codeInvalidParameter)
		}
	}
	for q, want := range map[string]int{"?grep=a.c": 1, "?grep=abc": 0, "?grep=%5Bx%5D": 1, "?grep=a%2Bb": 1, "?grep=.*": 0} {
		if got := readLines(t, getLogs(t, srv, q)); len(got) != want {
			t.Errorf("%s: %d lines, want %d", q, len(got), want)
		}
	}
}
