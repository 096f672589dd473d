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

package armclient

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestStreamLogsEnd: the hub's end line is an error unless the cluster was deleted, a
// followed stream that breaks off without one is an error, and an agent's line that looks
// like an end line does not count unless it is the last.
func TestStreamLogsEnd(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	agentLine := protocol.LogLine{Time: at, Level: protocol.LogLevelInfo, Logger: "connection", Message: "Connected"}
	ended := func(reason string) protocol.LogLine { return protocol.StreamEndedLine(at, reason, "ended: "+reason) }
	tests := []struct {
		name       string
		follow     bool
		lines      []protocol.LogLine
		wantReason string // "" with wantErr: the stream broke off
		wantErr    bool
	}{
		{name: "complete", lines: []protocol.LogLine{agentLine}},
		{name: "cluster deleted", follow: true, lines: []protocol.LogLine{agentLine, ended(protocol.StreamEndedClusterDeleted)}},
		{name: "token revoked", follow: true, lines: []protocol.LogLine{agentLine, ended(protocol.StreamEndedTokenRevoked)},
			wantReason: protocol.StreamEndedTokenRevoked, wantErr: true},
		{name: "token expired", follow: true, lines: []protocol.LogLine{ended(protocol.StreamEndedTokenExpired)},
			wantReason: protocol.StreamEndedTokenExpired, wantErr: true},
		{name: "store error", lines: []protocol.LogLine{agentLine, ended(protocol.StreamEndedError)},
			wantReason: protocol.StreamEndedError, wantErr: true},
		{name: "followed stream broke off", follow: true, lines: []protocol.LogLine{agentLine}, wantErr: true},
		{name: "end line not last", lines: []protocol.LogLine{ended(protocol.StreamEndedError), agentLine}},
	}
	id := armid.ClusterID{Subscription: "sub", ResourceGroup: "rg", Name: "c1"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeHub(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/x-ndjson")
				enc := json.NewEncoder(w)
				for _, l := range tt.lines {
					_ = enc.Encode(l)
				}
			})
			var got int
			err := c.StreamLogs(t.Context(), id, LogQuery{Follow: tt.follow}, func(protocol.LogLine) error { got++; return nil })
			if got != len(tt.lines) {
				t.Errorf("emitted %d lines, want %d", got, len(tt.lines))
			}
			var ended *StreamEndedError
			switch {
			case !tt.wantErr && err != nil:
				t.Errorf("StreamLogs = %v, want nil", err)
			case tt.wantErr && (!errors.As(err, &ended) || ended.Reason != tt.wantReason):
				t.Errorf("StreamLogs = %v, want a StreamEndedError with reason %q", err, tt.wantReason)
			}
		})
	}
}
