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
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/store"
)

// tokenStore is the part of the store that token creation uses; any other call panics,
// which the tests would report.
type tokenStore struct {
	store.Store
	created []*store.Token
}

func (s *tokenStore) CreateToken(_ context.Context, t *store.Token) error {
	s.created = append(s.created, t)
	return nil
}

// postToken sends body to POST /kubearc/v1/tokens as an Owner of scope.
func postToken(t *testing.T, scope string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	a := &API{Store: &tokenStore{}, Log: slog.New(slog.DiscardHandler)}
	req := httptest.NewRequestWithContext(auth.NewContext(context.Background(),
		auth.Principal{TokenID: "t1", Name: "owner", Role: auth.Owner, Scope: scope}),
		http.MethodPost, "/kubearc/v1/tokens", bytes.NewReader(body))
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, req)
	return rec
}

// checkARMAnswer fails unless rec is a 201 or a 4xx with an ARM error body.
func checkARMAnswer(t *testing.T, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code == http.StatusCreated {
		return
	}
	var e errorBody
	if rec.Code < 400 || rec.Code >= 500 || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("body %q: answered %d %s, want 201 or a 4xx ARM error", body, rec.Code, rec.Body)
	}
}

func TestCreateTokenRejectsBadInput(t *testing.T) {
	tests := []struct {
		name, body, code string
		status           int
	}{
		{"newline in the name", `{"name":"a\nb","role":"Reader"}`, codeInvalidParameter, http.StatusBadRequest},
		{"name over the limit", `{"name":"` + strings.Repeat("n", 129) + `","role":"Reader"}`, codeInvalidParameter, http.StatusBadRequest},
		{"blank name", `{"name":"  ","role":"Reader"}`, codeInvalidParameter, http.StatusBadRequest},
		{"no name", `{"role":"Reader"}`, codeMissingProperty, http.StatusBadRequest},
		{"bad scope", `{"name":"n","role":"Reader","scope":"/subscriptions/a b"}`, codeInvalidParameter, http.StatusBadRequest},
		{"body over the limit", `{"name":"` + strings.Repeat("n", maxBodyBytes) + `"}`, codeRequestTooLarge, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := postToken(t, "/", []byte(tt.body))
			var e errorBody
			_ = json.Unmarshal(rec.Body.Bytes(), &e)
			if rec.Code != tt.status || e.Error.Code != tt.code {
				t.Fatalf("answered %d %s, want %d %s", rec.Code, rec.Body, tt.status, tt.code)
			}
		})
	}
	if rec := postToken(t, "/", []byte(`{"name":"ci","role":"Reader","scope":"/subscriptions/s"}`)); rec.Code != http.StatusCreated {
		t.Fatalf("a valid request: %d %s", rec.Code, rec.Body)
	}
}

// FuzzCreateToken feeds arbitrary bodies and caller scopes through POST /kubearc/v1/tokens:
// the answer is a created token or a 4xx ARM error, never a panic or a 5xx.
func FuzzCreateToken(f *testing.F) {
	f.Add([]byte(`{"name":"ci","role":"Reader","scope":"/subscriptions/s","expiresIn":"24h"}`), "/")
	f.Add([]byte(`{"name":"a\nb","role":"Owner"}`), "/subscriptions/s")
	f.Add([]byte(`{"name":"x","role":"Contributor","scope":"/subscriptions/s/resourceGroups/g/"}`), "/subscriptions/s")
	f.Add([]byte(`{"name":"x","role":"reader","expiresIn":"-1h"}`), "/")
	f.Add([]byte(`{"name":5}`), "/")
	f.Add([]byte(`[]`), "/")
	f.Fuzz(func(t *testing.T, body []byte, scope string) {
		checkARMAnswer(t, body, postToken(t, scope, body))
	})
}
