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

package selfupgrade

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/helm/installer"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Environment variables the agent chart sets, naming the agent's own Helm release.
const (
	ReleaseNameEnv      = "KUBEARC_RELEASE_NAME"
	ReleaseNamespaceEnv = "KUBEARC_RELEASE_NAMESPACE"
)

// retryFailed is how long a target whose upgrade failed waits before the next try.
const retryFailed = 30 * time.Minute

// Upgrader applies the hub's agent profile to the agent's own Helm release. It plugs into
// desired.Mirror as the Kind of protocol.KindAgentProfile.
type Upgrader struct {
	// Helm fetches the chart and upgrades the release.
	Helm installer.Installer
	// Client reads the ArcConnection's spec.agentUpgrade; nil means auto-upgrade is on.
	Client client.Client
	// ReleaseName and ReleaseNamespace name the agent's Helm release; empty when the agent
	// runs outside one.
	ReleaseName      string
	ReleaseNamespace string
	// Running is the running agent's version.
	Running string
	Log     logr.Logger
	// Changed, when set, is called after the AgentUpgrade condition changed.
	Changed func()
	// Now is the clock (default time.Now).
	Now func() time.Time

	mu        sync.Mutex
	condition *metav1.Condition
	failed    string
	failedAt  time.Time
}

var _ desired.Kind = (*Upgrader)(nil)

// Kind returns protocol.KindAgentProfile.
func (u *Upgrader) Kind() string { return protocol.KindAgentProfile }

// Condition returns the AgentUpgrade condition for the ArcConnection, nil before the first
// profile arrived.
func (u *Upgrader) Condition() *metav1.Condition {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.condition == nil {
		return nil
	}
	c := *u.condition
	return &c
}

// Apply acts on the profile: it upgrades the agent's release when the hub targets a newer
// version.
func (u *Upgrader) Apply(ctx context.Context, obj protocol.DesiredObject) error {
	var p protocol.AgentProfile
	if err := json.Unmarshal(obj.Spec, &p); err != nil {
		return &desired.InvalidError{Message: "the agent profile is not valid JSON: " + err.Error()}
	}
	plan := Decide(Situation{Running: u.Running, InRelease: u.ReleaseName != "", AutoUpgrade: u.autoUpgrade(ctx)}, p)
	if !plan.Upgrade {
		u.set(plan.Reason, plan.Message)
		return nil
	}
	if u.recentlyFailed(plan.Target) {
		return nil
	}
	u.set(plan.Reason, plan.Message)
	if err := u.upgrade(ctx, plan); err != nil {
		u.markFailed(plan.Target)
		u.set(arcv1alpha1.AgentUpgradeFailedReason, fmt.Sprintf("Upgrading the agent to %s failed: %v", plan.Target, err))
		u.Log.Info("Upgrading the agent failed", "target", plan.Target, "error", err.Error())
		return nil // retried after retryFailed, not by the Mirror's backoff
	}
	u.Log.Info("Upgraded the agent's Helm release; the new version takes over", "target", plan.Target)
	return nil
}

// upgrade runs the Helm upgrade of the agent's release with the target chart, keeping the
// release's values.
func (u *Upgrader) upgrade(ctx context.Context, plan Plan) error {
	current, err := u.Helm.Current(ctx, u.ReleaseName, u.ReleaseNamespace)
	if err != nil {
		return err
	}
	if current == nil {
		return fmt.Errorf("the agent's Helm release %s/%s does not exist: check %s and %s",
			u.ReleaseNamespace, u.ReleaseName, ReleaseNameEnv, ReleaseNamespaceEnv)
	}
	chart := installer.ChartRef{Repository: plan.Chart.Repository, Name: plan.Chart.Name, Version: plan.Chart.Version}
	_, _, err = u.Helm.Apply(ctx, installer.Request{Name: u.ReleaseName, Namespace: u.ReleaseNamespace, Chart: chart,
		ReuseValues: true, Description: "Agent self-upgrade to " + plan.Target})
	return err
}

func (u *Upgrader) autoUpgrade(ctx context.Context) bool {
	if u.Client == nil {
		return true
	}
	conn := &arcv1alpha1.ArcConnection{}
	if err := u.Client.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, conn); err != nil {
		return true
	}
	return conn.Spec.AgentUpgrade.AutoUpgrade == nil || *conn.Spec.AgentUpgrade.AutoUpgrade
}

func (u *Upgrader) now() time.Time {
	if u.Now != nil {
		return u.Now()
	}
	return time.Now()
}

func (u *Upgrader) recentlyFailed(target string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.failed == target && u.now().Sub(u.failedAt) < retryFailed
}

func (u *Upgrader) markFailed(target string) {
	u.mu.Lock()
	u.failed, u.failedAt = target, u.now()
	u.mu.Unlock()
}

// set records the condition and tells the ArcConnection reconciler when it changed.
func (u *Upgrader) set(reason, message string) {
	status := metav1.ConditionTrue
	if reason != arcv1alpha1.AgentUpToDateReason && reason != arcv1alpha1.AgentUpgradingReason {
		status = metav1.ConditionFalse
	}
	u.mu.Lock()
	changed := u.condition == nil || u.condition.Reason != reason || u.condition.Message != message
	u.condition = &metav1.Condition{Type: arcv1alpha1.AgentUpgradeCondition, Status: status, Reason: reason, Message: message}
	u.mu.Unlock()
	if changed && u.Changed != nil {
		u.Changed()
	}
}

// Reject does nothing: an unusable profile leaves the agent as it is.
func (u *Upgrader) Reject(context.Context, string, *desired.InvalidError) error { return nil }

// InvalidStatus is nil: the hub takes no status for the agent profile.
func (u *Upgrader) InvalidStatus(*desired.InvalidError) json.RawMessage { return nil }

// Prune does nothing: the agent's release is not the hub's to delete.
func (u *Upgrader) Prune(context.Context, map[string]bool) error { return nil }
