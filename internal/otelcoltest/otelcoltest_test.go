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

package otelcoltest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/internal/otelcoltest"
)

const oneLog = `{"resourceLogs":[{"resource":{"attributes":[{"key":"k8s.namespace.name","value":{"stringValue":"shop"}}]},
"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hello"}}]}]}]}`

func post(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/v1/logs", strings.NewReader(oneLog))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestWorkspaceAcceptsOnlyItsTokenAndKeepsWhatItGot(t *testing.T) {
	w := otelcoltest.StartWorkspace(t, "s3cret")
	if code := post(t, w.URL, ""); code != http.StatusUnauthorized {
		t.Errorf("without a token: HTTP %d, want 401", code)
	}
	if code := post(t, w.URL, "wrong"); code != http.StatusUnauthorized {
		t.Errorf("with another token: HTTP %d, want 401", code)
	}
	if code := post(t, w.URL, "s3cret"); code != http.StatusOK {
		t.Fatalf("with the token: HTTP %d, want 200", code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := w.Received()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 1 && got[0].Body == "hello" && got[0].Resource["k8s.namespace.name"] == "shop" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the workspace wrote %+v, want the one record sent with the token", got)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
