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

package troubleshoot

import (
	"encoding/json"
	"testing"
)

func TestRedactDocument(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"protected settings at any depth", `{"spec":{"configurationProtectedSettings":{"a":"x"}}}`,
			`{"spec":{"configurationProtectedSettings":"[REDACTED]"}}`},
		{"a ConfigMap key named password", `{"data":{"password":"x","mode":"on"}}`,
			`{"data":{"mode":"on","password":"[REDACTED]"}}`},
		{"credentials within text in a list", `[{"message":"login token=abc done"}]`,
			`[{"message":"login token=[REDACTED] done"}]`},
		{"a PEM block", `{"note":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}`,
			`{"note":"[REDACTED]"}`},
		{"plain values stay", `{"name":"agent","replicas":2}`, `{"name":"agent","replicas":2}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tc.in), &doc); err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(redactDocument(doc))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
