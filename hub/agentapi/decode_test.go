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

package agentapi

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestABodyThatCannotBeReadIsAnsweredCleanly: a body cut by a read deadline is a 400 whose
// message names neither the socket addresses nor the network error.
func TestABodyThatCannotBeReadIsAnsweredCleanly(t *testing.T) {
	timeout := errors.New("read tcp 10.1.2.3:443->192.0.2.7:53122: i/o timeout")
	body := io.MultiReader(strings.NewReader(`{"items":[`), &failingReader{err: timeout})
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/agent/v1/status", body)
	rec := httptest.NewRecorder()
	var v map[string]any
	if decodeAtMost(rec, req, &v, 1<<20) {
		t.Fatal("decoded a body that could not be read")
	}
	if rec.Code != http.StatusBadRequest || strings.Contains(rec.Body.String(), "i/o timeout") || strings.Contains(rec.Body.String(), "192.0.2.7") {
		t.Errorf("answer = %d %s; want a 400 without the network error", rec.Code, rec.Body)
	}
}

type failingReader struct{ err error }

func (r *failingReader) Read([]byte) (int, error) { return 0, r.err }
