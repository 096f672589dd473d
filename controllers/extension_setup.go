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

package controllers

import (
	"context"
	"crypto"
	"os"
	"path/filepath"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agentkey"
	"github.com/kubearc/kubearc/internal/connection"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/helm"
	"github.com/kubearc/kubearc/internal/report"
	"github.com/kubearc/kubearc/internal/selfupgrade"
	"github.com/kubearc/kubearc/internal/version"
)

// Option adjusts Setup.
type Option func(*setupOptions)

type setupOptions struct {
	chartCacheDir    string
	releaseName      string
	releaseNamespace string
}

// WithChartCache keeps downloaded charts in dir (default: kubearc-charts in the temporary
// directory).
func WithChartCache(dir string) Option { return func(o *setupOptions) { o.chartCacheDir = dir } }

// WithAgentRelease names the agent's own Helm release, which self-upgrade upgrades; empty
// (the default) means the agent runs outside a Helm release.
func WithAgentRelease(name, namespace string) Option {
	return func(o *setupOptions) { o.releaseName, o.releaseNamespace = name, namespace }
}

// AgentState is the agent's desired-state machinery: the Mirror that turns the hub's
// desired state into CRs and the Reporter that sends their statuses back. Other kinds plug
// in by appending to Mirror.Kinds and Reporter.Sources before the manager starts.
type AgentState struct {
	Mirror   *desired.Mirror
	Reporter *report.Reporter
	Upgrader *selfupgrade.Upgrader
}

// setupExtensions wires the Extension reconciler, the desired-state Mirror, the status
// Reporter and the self-upgrade to the manager and the connector.
func setupExtensions(mgr ctrl.Manager, connector *connection.Connector, namespace string, o setupOptions) (*AgentState, error) {
	log := ctrl.Log.WithName("extensions")
	helmClient := helm.NewClient(helm.NewRESTClientGetter(mgr.GetConfig(), namespace), logr.ToSlogHandler(log.WithName("helm").V(1)))
	if o.chartCacheDir == "" {
		o.chartCacheDir = filepath.Join(os.TempDir(), "kubearc-charts")
	}
	charts := &helm.ChartSource{CacheDir: o.chartCacheDir, UserAgent: "kubearc-agent/" + version.Version}
	upgrader := &selfupgrade.Upgrader{Helm: helmClient, Charts: charts, Client: mgr.GetClient(),
		ReleaseName: o.releaseName, ReleaseNamespace: o.releaseNamespace, Running: version.Version,
		Log: ctrl.Log.WithName("selfupgrade"), Changed: func() { wakeArcConnection(connector.Wake) }}
	syncer := &desired.Mirror{Log: ctrl.Log.WithName("desired"), Kinds: []desired.Kind{
		&desired.Extensions{Client: mgr.GetClient(), Namespace: namespace, Key: agentKey(mgr.GetClient(), namespace)},
		upgrader,
	}}
	reporter := &report.Reporter{Cache: mgr.GetCache(), Reader: mgr.GetClient(), Hub: report.HubClient(connector.HubClient),
		Sources: []report.Source{report.Extensions{Namespace: namespace}}, Wanted: syncer.Wanted, Restore: syncer.Trigger,
		Log: ctrl.Log.WithName("report")}
	syncer.Report = reporter.Send
	connector.Desired = syncer.Set
	connector.AgentUpgrade = upgrader.Condition
	if err := mgr.Add(syncer); err != nil {
		return nil, err
	}
	if err := mgr.Add(reporter); err != nil {
		return nil, err
	}
	err := (&ExtensionReconciler{Client: mgr.GetClient(), Helm: helmClient, Charts: charts,
		Recorder: mgr.GetEventRecorder("kubearc-agent"), Namespace: namespace}).SetupWithManager(mgr)
	return &AgentState{Mirror: syncer, Reporter: reporter, Upgrader: upgrader}, err
}

// agentKey reads the agent's private key from the Secret the ArcConnection names.
func agentKey(c client.Client, namespace string) func(ctx context.Context) (crypto.Signer, error) {
	return func(ctx context.Context) (crypto.Signer, error) {
		name := "kubearc-agent-key"
		conn := &arcv1alpha1.ArcConnection{}
		if err := c.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, conn); err == nil &&
			conn.Spec.AgentKeySecretRef != nil && conn.Spec.AgentKeySecretRef.Name != "" {
			name = conn.Spec.AgentKeySecretRef.Name
		}
		id, err := agentkey.Ensure(ctx, c, client.ObjectKey{Namespace: namespace, Name: name})
		if err != nil {
			return nil, err
		}
		return id.Key, nil
	}
}

// wakeArcConnection asks the ArcConnection reconciler to run, without blocking.
func wakeArcConnection(wake chan event.GenericEvent) {
	obj := &arcv1alpha1.ArcConnection{}
	obj.Name = arcv1alpha1.ArcConnectionName
	select {
	case wake <- event.GenericEvent{Object: obj}:
	default:
	}
}
