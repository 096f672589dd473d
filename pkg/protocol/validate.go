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
	"strings"
	"unicode/utf8"
)

// Limits of what an agent reports, shared by the hub (which refuses more) and the ARM API
// (which applies the same rules to the same properties).
const (
	// MaxNodeCount bounds a heartbeat's nodeCount (Kubernetes supports 5,000 nodes).
	MaxNodeCount = 100_000
	// MaxCoreCount bounds a heartbeat's coreCount.
	MaxCoreCount = 10_000_000
	// MaxAgentCPUMillicores bounds a heartbeat's agentCpuMillicores: 10,000 cores.
	MaxAgentCPUMillicores = 10_000_000
	// MaxAgentMemoryBytes bounds a heartbeat's agentMemoryBytes: 1 TiB.
	MaxAgentMemoryBytes = 1 << 40
)

var (
	// plainValueRE is a distribution, infrastructure or agent version: the ARM API's rule
	// for connectedCluster properties of that kind.
	plainValueRE = regexp.MustCompile(`^[A-Za-z0-9_.+-]{0,64}$`)
	// releaseVersionRE is a release version like 1.2.3 or v1.2.3-rc.1.
	releaseVersionRE = regexp.MustCompile(`^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)
	// kubernetesVersionRE is a Kubernetes gitVersion, e.g. v1.37.2+k3s1; builds without
	// version stamping report v0.0.0-master+$Format:%H$.
	kubernetesVersionRE = regexp.MustCompile(`^[A-Za-z0-9_.+:~$%-]{0,64}$`)
)

// IsPlainValue reports whether s is at most 64 letters, digits, '_', '.', '+' or '-': the
// rule for distribution, distributionVersion, infrastructure and an agent's version.
func IsPlainValue(s string) bool { return plainValueRE.MatchString(s) }

// PlainValueRule says what IsPlainValue accepts, for error messages.
const PlainValueRule = "at most 64 letters, digits, '_', '.', '+' or '-'"

// IsReleaseVersion reports whether s is a version like 1.2.3 or v1.2.3-rc.1.
func IsReleaseVersion(s string) bool { return releaseVersionRE.MatchString(s) }

// InvalidFieldError says which field of an agent's report broke which rule. It never holds
// the value: a hostile value may be megabytes long or hold control characters.
type InvalidFieldError struct {
	// Field is the JSON path of the field, e.g. "items[3].status.message".
	Field string
	// Rule is what the field must be.
	Rule string
}

func (e *InvalidFieldError) Error() string { return e.Field + " must be " + e.Rule }

func invalid(field, format string, args ...any) error {
	return &InvalidFieldError{Field: field, Rule: fmt.Sprintf(format, args...)}
}

// Validate checks every field of a heartbeat against the limits the hub shows them under.
func (h *Heartbeat) Validate() error {
	if !kubernetesVersionRE.MatchString(h.KubernetesVersion) {
		return invalid("kubernetesVersion", "a Kubernetes version like v1.37.2 (at most 64 characters, no spaces or markup)")
	}
	for _, f := range []struct {
		name, value string
	}{{"agentVersion", h.AgentVersion}, {"distribution", h.Distribution}, {"infrastructure", h.Infrastructure}} {
		if !IsPlainValue(f.value) {
			return invalid(f.name, PlainValueRule)
		}
	}
	for _, f := range []struct {
		name       string
		value, max int64
	}{{"nodeCount", int64(h.NodeCount), MaxNodeCount}, {"coreCount", int64(h.CoreCount), MaxCoreCount},
		{"agentCpuMillicores", h.AgentCPUMillicores, MaxAgentCPUMillicores}, {"agentMemoryBytes", h.AgentMemoryBytes, MaxAgentMemoryBytes}} {
		if f.value < 0 || f.value > f.max {
			return invalid(f.name, "between 0 and %d", f.max)
		}
	}
	if len(h.Features) > 8 {
		return invalid("features", "at most 8")
	}
	for _, f := range h.Features {
		if f != FeatureClusterConnect && f != FeatureCustomLocations {
			return invalid("features", "only %q and %q", FeatureClusterConnect, FeatureCustomLocations)
		}
	}
	return nil
}

// checkText reports why s cannot be shown as text: invalid UTF-8, or a control character
// other than tab and newline (which would forge log lines or terminal output).
func checkText(s string) string {
	if !utf8.ValidString(s) {
		return "valid UTF-8"
	}
	if strings.ContainsFunc(s, isForbiddenControl) {
		return "text without control characters"
	}
	return ""
}

// isForbiddenControl is a C0 or C1 control character other than tab, newline and carriage
// return, or DEL.
func isForbiddenControl(r rune) bool {
	return (r < ' ' && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r <= 0x9f)
}
