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
	"fmt"
	"strings"
	"time"

	"github.com/kubearc/kubearc/internal/agentlog"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// ConnectivityChecksFile is the bundle's copy of the agent's latest connectivity checks, as
// the hub keeps them.
const ConnectivityChecksFile = "hub/connectivity-checks.json"

// connectivityChecks are the agent's latest connectivity checks, for the summary.
type connectivityChecks struct {
	ReceivedAt *time.Time                   `json:"receivedAt"`
	Checks     []protocol.ConnectivityCheck `json:"checks"`
}

// AddConnectivityChecks adds the agent's latest connectivity checks, which the hub received
// at receivedAt (nil: the agent sent none), and lists them in the summary.
func (b *Bundle) AddConnectivityChecks(receivedAt *time.Time, checks []protocol.ConnectivityCheck) error {
	c := &connectivityChecks{ReceivedAt: receivedAt, Checks: checks}
	if c.Checks == nil {
		c.Checks = []protocol.ConnectivityCheck{}
	}
	if err := b.AddJSON(ConnectivityChecksFile, c); err != nil {
		return err
	}
	b.checks = c
	return nil
}

// UnpassedChecks describes, one redacted line each, the connectivity checks that failed or
// warned; none when they all passed or there are none.
func (b *Bundle) UnpassedChecks() []string {
	if b.checks == nil {
		return nil
	}
	var out []string
	for _, c := range b.checks.Checks {
		if c.Result != protocol.CheckPassed {
			out = append(out, agentlog.RedactText(fmt.Sprintf("%s %s: %s", c.Name, c.Result, oneLine(c.Message))))
		}
	}
	return out
}

// checksSummary is the summary's section on the connectivity checks; empty when they were
// not collected.
func (b *Bundle) checksSummary() string {
	if b.checks == nil {
		return ""
	}
	var s strings.Builder
	if b.checks.ReceivedAt == nil {
		s.WriteString("\nConnectivity checks: the agent has sent none to the hub yet.\n")
		return s.String()
	}
	fmt.Fprintf(&s, "\nConnectivity checks (run by the agent, received by the hub %s):\n", b.checks.ReceivedAt.UTC().Format(time.RFC3339))
	for _, c := range b.checks.Checks {
		fmt.Fprintf(&s, "  - %s: %s: %s\n", c.Name, c.Result, oneLine(c.Message))
	}
	return s.String()
}
