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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/kubearc/kubearc/internal/connection"
)

// CacheOptions limits the manager's cache to what the agent may read: Secrets in its own
// namespace only, as its RBAC allows.
func CacheOptions(namespace string) cache.Options {
	return cache.Options{ByObject: map[client.Object]cache.ByObject{
		&corev1.Secret{}: {Namespaces: map[string]cache.Config{namespace: {}}},
	}}
}

// Setup wires the agent's reconcilers, and the work they share, to the manager. namespace is
// the agent's own namespace.
func Setup(mgr ctrl.Manager, namespace string, opts ...Option) (*connection.Connector, error) {
	clientset, err := kubernetes.NewForConfig(mgr.GetConfig())
	if err != nil {
		return nil, err
	}
	connector := &connection.Connector{
		Client: mgr.GetClient(), Clientset: clientset, Namespace: namespace,
		Recorder: mgr.GetEventRecorder("kubearc-agent"), Wake: make(chan event.GenericEvent, 1),
		Log: ctrl.Log.WithName("connection"),
	}
	if err := mgr.Add(connector); err != nil {
		return nil, err
	}
	if err := setupTunnel(mgr, connector); err != nil {
		return nil, err
	}
	if err := setupGitOps(mgr, clientset, namespace); err != nil {
		return nil, err
	}
	var o setupOptions
	for _, opt := range opts {
		opt(&o)
	}
	state, err := setupExtensions(mgr, connector, namespace, o)
	if err != nil {
		return nil, err
	}
	plugGitOps(mgr, state, namespace)
	return connector, (&ArcConnectionReconciler{Client: mgr.GetClient(), Connector: connector}).SetupWithManager(mgr)
}
