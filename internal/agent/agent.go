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

// Package agent is what the agent's kinds plug into. Each kind lives in its own package
// under internal/agent/<kind>: its reconciler and steps, its desired-state mapping (hub →
// CR, a desired.Kind) and its status report source (CR → hub, a report.Source). Its Setup
// function adds the reconciler to the manager and returns the other two; controllers.Setup
// calls every kind's Setup from one list and hands the parts to the Mirror and the Reporter,
// and builds the agent's scheme from the same list, so that a kind brings the API types of
// the projects it drives (Flux, Gatekeeper) with it.
package agent

import (
	"context"
	"crypto"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/kubearc/kubearc/internal/agentlog"
	"github.com/kubearc/kubearc/internal/connection"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/helm/installer"
	"github.com/kubearc/kubearc/internal/report"
)

// Deps are what the kinds share.
type Deps struct {
	Manager ctrl.Manager
	// Namespace is the agent's namespace: its Secrets, and the CRs the hub writes.
	Namespace string
	Clientset kubernetes.Interface
	Recorder  events.EventRecorder
	// Connector keeps the cluster connected to the hub.
	Connector *connection.Connector
	// Helm installs, upgrades and uninstalls charts (the kubearc-installer process).
	Helm installer.Installer
	// AgentKey returns the agent's private key, which opens protected settings.
	AgentKey func(ctx context.Context) (crypto.Signer, error)
	// ReleaseName and ReleaseNamespace name the agent's own Helm release; empty when the
	// agent runs outside one.
	ReleaseName, ReleaseNamespace string
	// Features are the optional features turned on (ParseFeatures), sorted.
	Features []string
	// LogRing, when set, holds the agent's log lines to ship to the hub.
	LogRing *agentlog.Ring
	// SetShippedLogLevel, when set, changes the least severe level of the lines shipped to
	// the hub at once (agentlog.LevelSetter): a protocol level name, or "" for the default.
	SetShippedLogLevel func(name string) error
	// ConnectivityCheckInterval is how often the connectivity checks run (0: their default).
	ConnectivityCheckInterval time.Duration
}

// Enabled reports whether the optional feature is turned on.
func (d Deps) Enabled(feature string) bool { return slices.Contains(d.Features, feature) }

// Target is where a kind writes the hub's desired CRs.
func (d Deps) Target() desired.Target {
	return desired.Target{Client: d.Manager.GetClient(), APIReader: d.Manager.GetAPIReader(), Namespace: d.Namespace, Key: d.AgentKey}
}

// Parts are what a kind adds beside its reconciler; either may be nil.
type Parts struct {
	// Desired turns the hub's desired objects of the kind into CRs.
	Desired desired.Kind
	// Report sends the CRs' statuses to the hub.
	Report report.Source
}

// Setup adds a kind's reconciler to the manager and returns its other parts.
type Setup func(Deps) (Parts, error)

// Kind is what a kind's package gives controllers.Setup.
type Kind struct {
	// Setup adds the kind's reconciler and returns its other parts.
	Setup Setup
	// AddToScheme adds the API types the kind uses beside Kubernetes' and arc.kubearc.io's
	// (Flux's, for example); nil when there are none.
	AddToScheme func(*runtime.Scheme) error
}
