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
	"errors"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agent"
	"github.com/kubearc/kubearc/internal/agent/arcconnection"
	"github.com/kubearc/kubearc/internal/agent/customlocation"
	"github.com/kubearc/kubearc/internal/agent/extension"
	"github.com/kubearc/kubearc/internal/agent/gitops"
	"github.com/kubearc/kubearc/internal/agent/policy"
	"github.com/kubearc/kubearc/internal/agentkey"
	"github.com/kubearc/kubearc/internal/agentlog"
	"github.com/kubearc/kubearc/internal/connection"
	"github.com/kubearc/kubearc/internal/connectivitycheck"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/helm/installer"
	"github.com/kubearc/kubearc/internal/report"
)

// kinds are the agent's kinds, each a package under internal/agent. Adding a kind is adding
// its Kind here; its reconciler, its parts and its API types come with it.
func kinds() []agent.Kind {
	return []agent.Kind{
		arcconnection.Kind(),
		extension.Kind(),
		gitops.Kind(),
		policy.Kind(),
		customlocation.Kind(),
	}
}

// NewScheme returns the agent's scheme: Kubernetes' API types, arc.kubearc.io's and those of
// every kind.
func NewScheme() (*runtime.Scheme, error) {
	add := runtime.SchemeBuilder{clientgoscheme.AddToScheme, arcv1alpha1.AddToScheme}
	for _, kind := range kinds() {
		if kind.AddToScheme != nil {
			add.Register(kind.AddToScheme)
		}
	}
	scheme := runtime.NewScheme()
	return scheme, add.AddToScheme(scheme)
}

// CacheOptions limits the manager's cache to what the agent may read: Secrets in its own
// namespace only, as its RBAC allows.
func CacheOptions(namespace string) cache.Options {
	return cache.Options{ByObject: map[client.Object]cache.ByObject{
		&corev1.Secret{}: {Namespaces: map[string]cache.Config{namespace: {}}},
	}}
}

// Option adjusts Setup.
type Option func(*agent.Deps)

// WithChartCache keeps downloaded charts in dir (default: kubearc-charts in the temporary
// directory).
func WithChartCache(dir string) Option {
	return withProcess(func(p *installer.Process) { p.ChartCacheDir = dir })
}

// WithInstaller runs Helm actions with the kubearc-installer at path (default: beside the
// agent's executable), for the cluster of kubeconfig (empty: $KUBECONFIG or in-cluster, as
// the agent finds it).
func WithInstaller(path, kubeconfig string) Option {
	return withProcess(func(p *installer.Process) { p.Path, p.Kubeconfig = path, kubeconfig })
}

// WithHelm replaces the kubearc-installer process with h (tests: helm.Local in process);
// WithChartCache and WithInstaller no longer apply after it.
func WithHelm(h installer.Installer) Option { return func(d *agent.Deps) { d.Helm = h } }

func withProcess(set func(*installer.Process)) Option {
	return func(d *agent.Deps) {
		if p, ok := d.Helm.(*installer.Process); ok {
			set(p)
		}
	}
}

// WithAgentRelease names the agent's own Helm release, which self-upgrade upgrades; empty
// (the default) means the agent runs outside a Helm release.
func WithAgentRelease(name, namespace string) Option {
	return func(d *agent.Deps) { d.ReleaseName, d.ReleaseNamespace = name, namespace }
}

// WithFeatures turns on the agent's optional features (agent.ParseFeatures), which the
// heartbeat reports.
func WithFeatures(features []string) Option {
	return func(d *agent.Deps) { d.Features, d.Connector.Features = features, features }
}

// WithLogShipping ships the agent's log lines that ring holds to the hub; setLevel changes
// the level of the lines shipped when the hub's agent profile names one.
func WithLogShipping(ring *agentlog.Ring, setLevel func(name string) error) Option {
	return func(d *agent.Deps) { d.LogRing, d.SetShippedLogLevel = ring, setLevel }
}

// WithConnectivityCheckInterval runs the connectivity checks every interval (default
// connectivitycheck.DefaultInterval), besides at start and soon after a failed connection.
func WithConnectivityCheckInterval(interval time.Duration) Option {
	return func(d *agent.Deps) { d.ConnectivityCheckInterval = interval }
}

// Setup wires the agent to the manager: the Connector to the hub, every kind's reconciler,
// the desired-state Mirror (hub → CRs) and the status Reporter (CRs → hub) with the kinds'
// parts, and the cluster connect tunnel. namespace is the agent's own namespace.
func Setup(mgr ctrl.Manager, namespace string, opts ...Option) (*connection.Connector, error) {
	deps, err := newDeps(mgr, namespace)
	if err != nil {
		return nil, err
	}
	for _, opt := range opts {
		opt(&deps)
	}
	mirror := &desired.Mirror{Log: ctrl.Log.WithName("desired")}
	reporter := &report.Reporter{Cache: mgr.GetCache(), Reader: mgr.GetClient(), Hub: report.HubClient(deps.Connector.HubClient),
		Wanted: mirror.Wanted, Restore: mirror.Trigger, Log: ctrl.Log.WithName("report")}
	for _, kind := range kinds() {
		parts, err := kind.Setup(deps)
		if err != nil {
			return nil, err
		}
		if parts.Desired != nil {
			mirror.Kinds = append(mirror.Kinds, parts.Desired)
		}
		if parts.Report != nil {
			reporter.Sources = append(reporter.Sources, parts.Report)
		}
	}
	mirror.Report, deps.Connector.Desired = reporter.Send, mirror.Set
	err = errors.Join(mgr.Add(deps.Connector), mgr.Add(mirror), mgr.Add(reporter), addLogShipper(mgr, deps),
		addConnectivityChecks(mgr, deps))
	if err != nil {
		return nil, err
	}
	return deps.Connector, setupTunnel(mgr, deps.Connector)
}

// addLogShipper adds the Shipper of the agent's log when WithLogShipping gave a Ring.
func addLogShipper(mgr ctrl.Manager, deps agent.Deps) error {
	if deps.LogRing == nil {
		return nil
	}
	return mgr.Add(&agentlog.Shipper{Ring: deps.LogRing, Hub: deps.Connector.HubClient, Log: ctrl.Log.WithName("agentlog")})
}

// addConnectivityChecks adds the Runner of the connectivity checks, which a failed
// connection to the hub triggers.
func addConnectivityChecks(mgr ctrl.Manager, deps agent.Deps) error {
	r := &connectivitycheck.Runner{Target: deps.Connector.CheckTarget, Hub: deps.Connector.HubClient, Client: mgr.GetClient(),
		Interval: deps.ConnectivityCheckInterval, Log: ctrl.Log.WithName("connectivitycheck")}
	deps.Connector.ConnectFailed = r.Trigger
	return mgr.Add(r)
}

// newDeps builds what the kinds share.
func newDeps(mgr ctrl.Manager, namespace string) (agent.Deps, error) {
	clientset, err := kubernetes.NewForConfig(mgr.GetConfig())
	if err != nil {
		return agent.Deps{}, err
	}
	recorder := mgr.GetEventRecorder("kubearc-agent")
	return agent.Deps{
		Manager: mgr, Namespace: namespace, Clientset: clientset, Recorder: recorder,
		Connector: &connection.Connector{Client: mgr.GetClient(), Clientset: clientset, Namespace: namespace,
			Recorder: recorder, Wake: make(chan event.GenericEvent, 1), Log: ctrl.Log.WithName("connection")},
		Helm: &installer.Process{Path: installer.DefaultPath(), Namespace: namespace,
			ChartCacheDir: filepath.Join(os.TempDir(), "kubearc-charts"), Log: ctrl.Log.WithName("helm")},
		AgentKey: agentKey(mgr.GetClient(), namespace),
	}, nil
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
