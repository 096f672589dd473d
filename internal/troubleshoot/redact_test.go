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
		{"a container's secret environment", `{"env":[{"name":"DB_PASSWORD","value":"x"},{"name":"HUB_TOKEN","value":"t"},{"name":"LOG_LEVEL","value":"debug"}]}`,
			`{"env":[{"name":"DB_PASSWORD","value":"[REDACTED]"},{"name":"HUB_TOKEN","value":"[REDACTED]"},{"name":"LOG_LEVEL","value":"debug"}]}`},
		{"an Authorization header map", `{"message":"map[Authorization:[Bearer eyJ.x.y]]"}`,
			`{"message":"map[Authorization:[Bearer [REDACTED]]]"}`},
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

func TestRedactLog(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"a structured line's secret fields",
			"2026-12-06T10:00:00Z {\"msg\":\"Login\",\"credentials\":{\"user\":\"u\",\"pass\":\"p-canary\"},\"storageAccountKey\":\"k1\"}\n",
			"2026-12-06T10:00:00Z {\"credentials\":\"[REDACTED]\",\"msg\":\"Login\",\"storageAccountKey\":\"[REDACTED]\"}\n"},
		{"a structured line without secrets stays as written",
			"2026-12-06T10:00:00Z {\"msg\":\"a <b>\",\"n\":1}\n", "2026-12-06T10:00:00Z {\"msg\":\"a <b>\",\"n\":1}\n"},
		{"text lines", "2026-12-06T10:00:00Z dialing http://alice:pass@proxy:3128\nplain\n",
			"2026-12-06T10:00:00Z dialing http://alice:[REDACTED]@proxy:3128\nplain\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := redactLog(tc.in); got != tc.want {
				t.Errorf("redactLog(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
