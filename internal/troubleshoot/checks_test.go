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
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

func TestConnectivityChecksInTheBundle(t *testing.T) {
	at := time.Date(2026, 12, 6, 18, 0, 0, 0, time.UTC)
	b := NewBundle(io.Discard)
	if err := b.AddConnectivityChecks(&at, []protocol.ConnectivityCheck{
		{Name: protocol.CheckDNS, Result: protocol.CheckPassed, Message: "hub resolves", Time: at},
		{Name: protocol.CheckProxy, Result: protocol.CheckFailed, Message: "the proxy http://alice:s3cret@proxy:3128\nrefused", Time: at},
		{Name: protocol.CheckClockSkew, Result: protocol.CheckWarning, Message: "45s behind", Time: at},
	}); err != nil {
		t.Fatal(err)
	}
	wantUnpassed := []string{"Proxy Failed: the proxy http://alice:[REDACTED]@proxy:3128 refused", "ClockSkew Warning: 45s behind"}
	if got := b.UnpassedChecks(); !slices.Equal(got, wantUnpassed) {
		t.Errorf("UnpassedChecks = %q, want %q", got, wantUnpassed)
	}
	summary := b.summary()
	for _, want := range []string{"Connectivity checks (run by the agent, received by the hub 2026-12-06T18:00:00Z):\n  - DNS: Passed: hub resolves\n",
		"Files:\n  " + ConnectivityChecksFile} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary)
		}
	}
	if data := string(b.files[0].data); strings.Contains(data, "s3cret") || !strings.Contains(data, `"receivedAt": "2026-12-06T18:00:00Z"`) {
		t.Errorf("%s:\n%s", ConnectivityChecksFile, data)
	}

	none := NewBundle(io.Discard)
	if err := none.AddConnectivityChecks(nil, nil); err != nil {
		t.Fatal(err)
	}
	if s := none.summary(); !strings.Contains(s, "Connectivity checks: the agent has sent none to the hub yet.") {
		t.Errorf("the summary without checks:\n%s", s)
	}
	if got := none.UnpassedChecks(); got != nil {
		t.Errorf("UnpassedChecks without checks = %q", got)
	}
}
