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
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/kubearc/kubearc/internal/connection"
	"github.com/kubearc/kubearc/internal/tunnel"
)

// The tunnel impersonates the users (and their groups) the hub authenticated, so that the
// cluster's RBAC decides what they may do; it needs no other right for it.
// +kubebuilder:rbac:groups="",resources=users;groups,verbs=impersonate

// setupTunnel adds the cluster connect tunnel, which runs beside the Connector on the leader
// and uses its hub client.
func setupTunnel(mgr ctrl.Manager, connector *connection.Connector) error {
	forwarder, err := tunnel.NewForwarder(mgr.GetConfig(), ctrl.Log.WithName("tunnel"))
	if err != nil {
		return fmt.Errorf("setting up the cluster connect forwarder: %w", err)
	}
	return mgr.Add(&tunnel.Agent{
		Client: mgr.GetClient(), HubClient: connector.HubClient, Handler: forwarder,
		Log: ctrl.Log.WithName("tunnel"),
	})
}
