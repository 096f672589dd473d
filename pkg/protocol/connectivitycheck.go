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

package protocol

import (
	"fmt"
	"regexp"
	"time"
)

// PathConnectivityChecks takes ConnectivityChecks, the results of the agent's last run of its
// connectivity checks, and answers 204. The hub keeps the latest per cluster.
const PathConnectivityChecks = "/agent/v1/connectivitychecks"

// Results of a connectivity check.
const (
	// CheckPassed: the check found nothing wrong.
	CheckPassed = "Passed"
	// CheckWarning: the agent works, but something should be looked at (a certificate
	// close to its expiry, a proxy in the environment that the agent does not use, …).
	CheckWarning = "Warning"
	// CheckFailed: the agent cannot reach or trust the hub for the reason the message gives.
	CheckFailed = "Failed"
)

// Names of the checks the agent runs, in the order it runs them.
const (
	CheckDNS               = "DNS"
	CheckTCP               = "TCP"
	CheckProxy             = "Proxy"
	CheckTLS               = "TLS"
	CheckClockSkew         = "ClockSkew"
	CheckClientCertificate = "ClientCertificate"
)

// Limits of a connectivity check report, shared by the agent and the hub.
const (
	// MaxConnectivityChecks bounds the checks of one report.
	MaxConnectivityChecks = 16
	// MaxCheckMessageBytes bounds a check's message.
	MaxCheckMessageBytes = 1024
	// MaxConnectivityChecksBytes bounds a report's JSON.
	MaxConnectivityChecksBytes = 32 << 10
)

// checkNameRE is a check's name: a short CamelCase word.
var checkNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,63}$`)

// ConnectivityCheck is the result of one check the agent ran against its hub.
type ConnectivityCheck struct {
	// Name is one of the Check names (DNS, TCP, …).
	Name string `json:"name"`
	// Result is CheckPassed, CheckWarning or CheckFailed.
	Result string `json:"result"`
	// Message says what the check found and, when it did not pass, what to fix. It never
	// holds a credential.
	Message string `json:"message"`
	// DurationMilliseconds is how long the check took.
	DurationMilliseconds int64 `json:"durationMilliseconds"`
	// Time is when the check ran.
	Time time.Time `json:"time"`
}

// ConnectivityChecks is one run of the agent's connectivity checks.
type ConnectivityChecks struct {
	Checks []ConnectivityCheck `json:"checks"`
}

// Validate checks a report: its count of checks, and every check's name, result, message and
// time.
func (c *ConnectivityChecks) Validate() error {
	if len(c.Checks) == 0 || len(c.Checks) > MaxConnectivityChecks {
		return invalid("checks", "between 1 and %d checks", MaxConnectivityChecks)
	}
	seen := map[string]bool{}
	for i, check := range c.Checks {
		if err := check.Validate(); err != nil {
			return prefixed(fmt.Sprintf("checks[%d].", i), err)
		}
		if seen[check.Name] {
			return invalid(fmt.Sprintf("checks[%d].name", i), "unique within a report")
		}
		seen[check.Name] = true
	}
	return nil
}

// Validate checks one result.
func (c *ConnectivityCheck) Validate() error {
	switch {
	case !checkNameRE.MatchString(c.Name):
		return invalid("name", "a name of at most 64 letters and digits, starting with a letter")
	case c.Result != CheckPassed && c.Result != CheckWarning && c.Result != CheckFailed:
		return invalid("result", "one of %s, %s or %s", CheckPassed, CheckWarning, CheckFailed)
	case len(c.Message) > MaxCheckMessageBytes:
		return invalid("message", "at most %d bytes", MaxCheckMessageBytes)
	case c.DurationMilliseconds < 0 || c.DurationMilliseconds > int64(time.Hour/time.Millisecond):
		return invalid("durationMilliseconds", "between 0 and 3600000")
	case c.Time.IsZero():
		return invalid("time", "a time")
	}
	if rule := checkText(c.Message); rule != "" {
		return invalid("message", "%s", rule)
	}
	return nil
}
