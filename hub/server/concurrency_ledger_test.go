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
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// outcome is one answered request of a concurrency test.
type outcome struct {
	method, path string
	status       int
	// value is what the request wrote (a tag, a setting), "" for reads and deletes.
	value string
	raw   string
}

// ledger records every answer of a concurrency test, from many goroutines, to check the
// hub's guarantees afterwards.
type ledger struct {
	th *testHub
	mu sync.Mutex
	// all holds every answer in the order they arrived.
	all []outcome
}

func newLedger(th *testHub) *ledger { return &ledger{th: th} }

// send sends a request as the admin and records its answer under value. Transport errors
// are reported with t.Errorf, so send works in any goroutine.
func (l *ledger) send(method, path, value string, body any) outcome {
	status, raw, err := l.th.ARM(method, path, l.th.AdminToken, body)
	if err != nil {
		l.th.t.Errorf("%s %s: %v", method, path, err)
	}
	o := outcome{method: method, path: resourcePath(path), status: status, value: value, raw: string(raw)}
	l.mu.Lock()
	l.all = append(l.all, o)
	l.mu.Unlock()
	return o
}

// resourcePath is path without its query.
func resourcePath(path string) string {
	p, _, _ := strings.Cut(path, "?")
	return strings.ToLower(p)
}

// noServerErrors fails the test for every answer that was a 5xx: no race and no input may
// produce one.
func (l *ledger) noServerErrors(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, o := range l.all {
		if o.status >= 500 {
			t.Errorf("%s %s answered %d: %s", o.method, o.path, o.status, o.raw)
		}
	}
}

// of returns the answers about the resource at path.
func (l *ledger) of(path string) []outcome {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []outcome
	for _, o := range l.all {
		if o.path == resourcePath(path) {
			out = append(out, o)
		}
	}
	return out
}

// lifecycle checks what the answers about the resource at path say against whether it
// exists at the end: a history of one resource alternates creations (PUT answered 201) and
// removals (DELETE answered 200), so it exists exactly when it was created once more than
// it was removed. A resource that a PATCH brought back after an acknowledged DELETE breaks
// this. When it exists, its value must be one an acknowledged write wrote: never that of a
// write answered 404, 409 or 412.
func (l *ledger) lifecycle(t *testing.T, path string, exists bool, value string) {
	t.Helper()
	created, removed := 0, 0
	written := map[string]bool{}
	for _, o := range l.of(path) {
		switch {
		case o.method == http.MethodPut && o.status == http.StatusCreated:
			created++
		case o.method == http.MethodDelete && o.status == http.StatusOK:
			removed++
		}
		if o.value != "" && o.status/100 == 2 {
			written[o.value] = true
		}
	}
	if balance := created - removed; balance != 0 && balance != 1 || exists != (balance == 1) {
		t.Errorf("%s: created %d times, removed %d times, exists at the end: %v (a deleted resource came back, or an answer lied)",
			path, created, removed, exists)
	}
	if exists && !written[value] {
		t.Errorf("%s holds %q, which no acknowledged write wrote", path, value)
	}
}

// current reads the resource at path (with its api-version query) and returns whether it
// exists and the value pick finds in its document.
func (l *ledger) current(t *testing.T, path string, pick func(doc map[string]any) string) (bool, string) {
	t.Helper()
	status, raw, err := l.th.ARM(http.MethodGet, path, l.th.AdminToken, nil)
	switch {
	case err != nil:
		t.Fatalf("GET %s: %v", path, err)
	case status == http.StatusNotFound:
		return false, ""
	case status != http.StatusOK:
		t.Fatalf("GET %s: %d %s", path, status, raw)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return true, pick(doc)
}

// at returns the string at a path of keys in a JSON document, "" when absent.
func at(doc map[string]any, keys ...string) string {
	var v any = doc
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

// label is a unique value for the write i of worker w in round r.
func label(r, w, i int) string { return fmt.Sprintf("r%d-w%d-%d", r, w, i) }
