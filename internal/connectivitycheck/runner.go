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

package connectivitycheck

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Defaults of the Runner.
const (
	// DefaultInterval is how often the checks run (the agent's --connectivity-check-interval).
	DefaultInterval = 10 * time.Minute
	// DefaultMinGap is how soon after a run a connection failure runs them again.
	DefaultMinGap = time.Minute
	// pollInterval is how often the Runner looks whether its target changed (new hub
	// settings, a new client certificate) or a triggered run is due.
	pollInterval = 5 * time.Second
	// statusRefill is how soon after a run an ArcConnection without results gets new ones.
	statusRefill = 30 * time.Second
	// runTimeout bounds a run, its status write and its report to the hub.
	runTimeout = 2 * time.Minute
)

// Runner runs the checks at start, again whenever what they look at changes (the hub
// settings, the client certificate), every Interval, and soon after a failed connection to
// the hub (Trigger, at most once per MinGap). It writes the results into the ArcConnection's
// status and sends them to the hub. It is a manager Runnable on the leader, which is the
// replica that connects.
type Runner struct {
	Checker Checker
	// Target returns what to check; false while the agent has no hub settings yet.
	Target func() (Target, bool)
	// Hub returns the registered hub client to send the results with; nil before
	// registration.
	Hub func() *agentclient.Client
	// Client writes the ArcConnection's status.
	Client client.Client
	// Interval is how often the checks run (DefaultInterval).
	Interval time.Duration
	// MinGap is the least time between a run and one that Trigger asks for (DefaultMinGap).
	MinGap time.Duration
	Log    logr.Logger

	once    sync.Once
	trigger chan struct{}
}

// triggers is the channel of Trigger's requests, made on first use.
func (r *Runner) triggers() chan struct{} {
	r.once.Do(func() { r.trigger = make(chan struct{}, 1) })
	return r.trigger
}

// NeedLeaderElection makes the Runner run on the leader only.
func (r *Runner) NeedLeaderElection() bool { return true }

// Trigger asks for a run soon, after a failed connection, without blocking.
func (r *Runner) Trigger() {
	select {
	case r.triggers() <- struct{}{}:
	default:
	}
}

// Start runs the checks until ctx ends.
func (r *Runner) Start(ctx context.Context) error {
	s := schedule{interval: orDuration(r.Interval, DefaultInterval), minGap: orDuration(r.MinGap, DefaultMinGap)}
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		t, ok := r.Target()
		if ok && (s.due(t, time.Now()) || s.refill(r.statusMissing(ctx), time.Now())) {
			r.run(ctx, t)
			s.ran(t, time.Now())
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.triggers():
			s.triggered = true
		case <-ticker.C:
		}
	}
}

// schedule decides when the checks run next.
type schedule struct {
	interval, minGap time.Duration
	last             time.Time
	lastTarget       string
	triggered        bool
}

func (s *schedule) due(t Target, now time.Time) bool {
	since := now.Sub(s.last)
	return s.last.IsZero() || targetKey(t) != s.lastTarget || since >= s.interval || (s.triggered && since >= s.minGap)
}

// refill reports whether a run is due because the ArcConnection shows no results (it was
// created again, or its status was replaced), at most once per statusRefill.
func (s *schedule) refill(missing bool, now time.Time) bool {
	return missing && now.Sub(s.last) >= statusRefill
}

func (s *schedule) ran(t Target, now time.Time) {
	s.last, s.lastTarget, s.triggered = now, targetKey(t), false
}

// targetKey identifies what the checks look at: a change runs them again.
func targetKey(t Target) string {
	h := sha256.New()
	o := t.Options
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", o.HubURL, o.HubCAPEM, t.CertificatePEM)
	if o.Proxy != nil {
		fmt.Fprintf(h, "%s\x00%q\x00%s", o.Proxy.URL, o.Proxy.NoProxy, o.Proxy.CAPEM)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// run runs the checks of t, records them and sends them to the hub.
func (r *Runner) run(ctx context.Context, t Target) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	checks := r.Checker.Run(ctx, t)
	if failed := Failed(checks); len(failed) > 0 {
		r.Log.Info("Connectivity checks failed", "checks", strings.Join(failed, ","))
	} else {
		r.Log.V(1).Info("Connectivity checks passed")
	}
	if err := r.writeStatus(ctx, checks); err != nil {
		r.Log.V(1).Info("Writing the connectivity checks into the ArcConnection failed", "error", err.Error())
	}
	if hub := r.Hub(); hub != nil {
		if err := hub.SendConnectivityChecks(ctx, protocol.ConnectivityChecks{Checks: checks}); err != nil {
			r.Log.V(1).Info("Sending the connectivity checks to the hub failed", "error", err.Error())
		}
	}
}

// Failed lists the names of the checks that failed.
func Failed(checks []protocol.ConnectivityCheck) []string {
	var out []string
	for _, c := range checks {
		if c.Result == protocol.CheckFailed {
			out = append(out, c.Name)
		}
	}
	return out
}

// statusMissing reports whether the ArcConnection exists without connectivity checks.
func (r *Runner) statusMissing(ctx context.Context) bool {
	obj := &arcv1alpha1.ArcConnection{}
	err := r.Client.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, obj)
	return err == nil && len(obj.Status.ConnectivityChecks) == 0
}

// writeStatus replaces status.connectivityChecks of the ArcConnection, and that field
// alone, so that it never races the reconciler's status patches.
func (r *Runner) writeStatus(ctx context.Context, checks []protocol.ConnectivityCheck) error {
	obj := &arcv1alpha1.ArcConnection{}
	if err := r.Client.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, obj); err != nil {
		return client.IgnoreNotFound(err)
	}
	patch, err := json.Marshal(map[string]any{"status": map[string]any{"connectivityChecks": ToStatus(checks)}})
	if err != nil {
		return err
	}
	return r.Client.Status().Patch(ctx, obj, client.RawPatch(types.MergePatchType, patch))
}

// ToStatus converts results to the ArcConnection's status field.
func ToStatus(checks []protocol.ConnectivityCheck) []arcv1alpha1.ConnectivityCheck {
	out := make([]arcv1alpha1.ConnectivityCheck, 0, len(checks))
	for _, c := range checks {
		out = append(out, arcv1alpha1.ConnectivityCheck{Name: c.Name, Result: arcv1alpha1.ConnectivityCheckResult(c.Result),
			Message: c.Message, Duration: &metav1.Duration{Duration: time.Duration(c.DurationMilliseconds) * time.Millisecond},
			Time: metav1.NewTime(c.Time)})
	}
	return out
}

func orDuration(d, fallback time.Duration) time.Duration {
	if d <= 0 {
		return fallback
	}
	return d
}
