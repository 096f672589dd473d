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

// Package selfupgrade upgrades the agent's own Helm release to the version the hub's agent
// profile targets (AgentProfile/default: targetAgentVersion and targetChart), keeping the
// release's values. It never downgrades, jumps straight to the target however old the
// running version is, and says why it does not upgrade when it cannot (no Helm release,
// auto-upgrade off, a development build). docs/agent-upgrades.md describes the policy.
package selfupgrade

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/version"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// SupportedMinorVersions is the support window: the newest minor version on a release
// train and the two before it (N-2).
const SupportedMinorVersions = 2

// Plan is what the agent should do about its own version.
type Plan struct {
	// Upgrade says to upgrade the agent's release to Target from Chart.
	Upgrade bool
	Target  string
	Chart   *protocol.ChartRef
	// Reason and Message explain the plan, as the AgentUpgrade condition shows them.
	Reason  string
	Message string
}

// Situation is what Decide needs to know beside the hub's profile.
type Situation struct {
	// Running is the running agent's version.
	Running string
	// InRelease says the agent runs from a Helm release it can upgrade.
	InRelease bool
	// AutoUpgrade is the ArcConnection's spec.agentUpgrade.autoUpgrade.
	AutoUpgrade bool
}

// Decide returns the plan for the hub's profile p.
func Decide(s Situation, p protocol.AgentProfile) Plan {
	running, err := version.ParseSemantic(s.Running)
	if err != nil {
		return Plan{Reason: arcv1alpha1.AgentUpToDateReason,
			Message: fmt.Sprintf("The running agent %q is a development build; it does not upgrade itself", s.Running)}
	}
	if p.TargetAgentVersion == "" {
		return withWindow(running, p, Plan{Reason: arcv1alpha1.AgentUpToDateReason, Message: "The hub targets no agent version; running " + s.Running})
	}
	target, err := version.ParseSemantic(p.TargetAgentVersion)
	if err != nil {
		return Plan{Reason: arcv1alpha1.AgentUpgradeFailedReason,
			Message: fmt.Sprintf("The hub's target agent version %q is not a semantic version", p.TargetAgentVersion)}
	}
	switch {
	case !running.LessThan(target):
		msg := "The agent runs the hub's target version " + p.TargetAgentVersion
		if target.LessThan(running) {
			msg = fmt.Sprintf("The hub targets %s, older than the running %s; the agent does not downgrade", p.TargetAgentVersion, s.Running)
		}
		return withWindow(running, p, Plan{Reason: arcv1alpha1.AgentUpToDateReason, Message: msg})
	case !s.AutoUpgrade && p.DesiredAgentVersion == "":
		return withWindow(running, p, Plan{Reason: arcv1alpha1.AgentUpgradeDisabledReason,
			Message: fmt.Sprintf("Version %s is available; auto-upgrade is off in the ArcConnection (spec.agentUpgrade.autoUpgrade)", p.TargetAgentVersion)})
	case p.TargetChart == nil:
		return Plan{Reason: arcv1alpha1.AgentUpgradeFailedReason,
			Message: fmt.Sprintf("The hub targets version %s but names no chart for it; check the hub's agent catalog", p.TargetAgentVersion)}
	case !s.InRelease:
		return withWindow(running, p, Plan{Reason: arcv1alpha1.AgentNotHelmManagedReason,
			Message: fmt.Sprintf("Version %s is available, but the agent runs outside a Helm release (arcctl --local-agent): run the new agent binary yourself", p.TargetAgentVersion)})
	}
	return Plan{Upgrade: true, Target: p.TargetAgentVersion, Chart: p.TargetChart, Reason: arcv1alpha1.AgentUpgradingReason,
		Message: fmt.Sprintf("Upgrading the agent from %s to %s", s.Running, p.TargetAgentVersion)}
}

// withWindow turns a plan that leaves the agent as it is into Unsupported when the running
// version is outside the support window of the newest available one.
func withWindow(running *version.Version, p protocol.AgentProfile, plan Plan) Plan {
	if Supported(running, p.AvailableAgentVersion) {
		return plan
	}
	plan.Reason = arcv1alpha1.AgentUnsupportedReason
	plan.Message = fmt.Sprintf("The running agent %s is outside the support window (the %d minor versions before %s); upgrade it. %s",
		running, SupportedMinorVersions, strings.TrimPrefix(p.AvailableAgentVersion, "v"), plan.Message)
	return plan
}

// Supported reports whether running is within SupportedMinorVersions minor versions of
// available; an unknown or unparsable available version counts as supported.
func Supported(running *version.Version, available string) bool {
	newest, err := version.ParseSemantic(available)
	if err != nil {
		return true
	}
	if running.Major() != newest.Major() {
		return running.Major() > newest.Major()
	}
	return int(newest.Minor())-int(running.Minor()) <= SupportedMinorVersions
}
