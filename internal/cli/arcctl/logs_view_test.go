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

package arcctl

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestLogsViewEscapesWhatCouldForgeALine prints lines whose message, logger, keys or values
// hold characters that would move the cursor or reorder text: each shows quoted, on one line.
func TestLogsViewEscapesWhatCouldForgeALine(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name                    string
		logger, message, fields string
		want                    string
	}{
		{"plain", "connection", "Registered", `{"attempt":2,"cluster":"c1"}`,
			"2026-12-06T10:00:00Z info  connection Registered attempt=2 cluster=c1"},
		{"a carriage return in the message", "connection", "ok\r2026-12-06T10:00:00Z error forged", "",
			`2026-12-06T10:00:00Z info  connection "ok\r2026-12-06T10:00:00Z error forged"`},
		{"a line break in the message", "connection", "ok\nforged", "",
			`2026-12-06T10:00:00Z info  connection "ok\nforged"`},
		{"a bidi override in the logger", "conn\u202eection", "Registered", "",
			`2026-12-06T10:00:00Z info  "conn\u202eection" Registered`},
		{"a zero-width space in a key", "connection", "Registered", `{"clu\u200bster":"c1"}`,
			`2026-12-06T10:00:00Z info  connection Registered "clu\u200bster"=c1`},
		{"a bidi isolate in a value", "connection", "Registered", `{"cluster":"c1\u2066x"}`,
			`2026-12-06T10:00:00Z info  connection Registered cluster="c1\u2066x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := protocol.LogLine{Time: at, Level: protocol.LogLevelInfo, Logger: tc.logger, Message: tc.message}
			if tc.fields != "" {
				l.Fields = json.RawMessage(tc.fields)
			}
			if got := formatLogLine(l); got != tc.want {
				t.Errorf("formatLogLine = %q, want %q", got, tc.want)
			}
		})
	}
}
