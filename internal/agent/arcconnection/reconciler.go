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

// Package arcconnection is the ArcConnection kind of the agent: the reconciler that keeps the
// cluster connected to the hub (the work is internal/connection's), and the hub's agent
// profile, whose desired state the self-upgrade applies and whose outcome the ArcConnection's
// status shows.
package arcconnection

import (
	"context"
	"errors"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/source"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agent"
	"github.com/kubearc/kubearc/internal/connection"
	"github.com/kubearc/kubearc/internal/reconcile"
	"github.com/kubearc/kubearc/internal/selfupgrade"
	"github.com/kubearc/kubearc/internal/version"
)

// ownedConditions are the conditions the reconciler writes: kstatus's and the connection's.
var ownedConditions = append([]string{arcv1alpha1.RegisteredCondition, arcv1alpha1.ConnectedCondition,
	arcv1alpha1.AgentUpgradeCondition}, reconcile.KStatusConditions...)

// Reconciler keeps the cluster connected to the hub named by the ArcConnection: identity,
// registration, heartbeats with metadata, and the hub's agent profile.
type Reconciler struct {
	client.Client
	// APIReader reads the API server itself, not the cache: the status patch's retry after a
	// conflict.
	APIReader client.Reader
	Connector *connection.Connector
}

// +kubebuilder:rbac:groups=arc.kubearc.io,resources=arcconnections,verbs=get;list;watch
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=arcconnections/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups="",resources=nodes,verbs=list
// +kubebuilder:rbac:groups="",namespace=kubearc-system,resources=secrets,verbs=get;list;watch;create;patch

// Reconcile connects the cluster and records the outcome in the ArcConnection's status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	obj := &arcv1alpha1.ArcConnection{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.Connector.Stop() // disconnected: nothing speaks for the cluster any more
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	patcher := reconcile.NewPatcher(r.Client, r.APIReader, obj, ownedConditions...)
	defer func() { err = errors.Join(err, patcher.Patch(ctx, obj)) }()
	return r.Connector.Sync(ctx, obj)
}

// Kind is the ArcConnection kind; it uses no API types beside Kubernetes' and arc.kubearc.io's.
func Kind() agent.Kind { return agent.Kind{Setup: Setup} }

// Setup adds the ArcConnection reconciler and returns the desired.Kind of the hub's agent
// profile: the self-upgrade, and the level of the log lines shipped to the hub.
func Setup(d agent.Deps) (agent.Parts, error) {
	upgrader := &selfupgrade.Upgrader{Helm: d.Helm, Client: d.Manager.GetClient(),
		ReleaseName: d.ReleaseName, ReleaseNamespace: d.ReleaseNamespace, Running: version.Version,
		Log: ctrl.Log.WithName("selfupgrade"), Changed: d.Connector.Notify}
	d.Connector.AgentUpgrade = upgrader.Condition
	r := &Reconciler{Client: d.Manager.GetClient(), APIReader: d.Manager.GetAPIReader(), Connector: d.Connector}
	return agent.Parts{Desired: withLogLevel(upgrader, d.SetShippedLogLevel, ctrl.Log.WithName("agentlog"))}, r.SetupWithManager(d.Manager)
}

// SetupWithManager watches the ArcConnection, the Secrets in the agent's namespace it reads,
// and the Connector's wake-ups from the hub's desired state.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	toDefault := func(context.Context, client.Object) []ctrl.Request {
		return []ctrl.Request{{NamespacedName: client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}}}
	}
	return reconcile.NewBuilder(mgr, &arcv1alpha1.ArcConnection{}, r.Connector.Namespace, toDefault).
		WatchesRawSource(source.Channel(r.Connector.Wake, &handler.EnqueueRequestForObject{})).
		Complete(r)
}
