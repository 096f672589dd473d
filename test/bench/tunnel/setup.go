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

package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/internal/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
	"github.com/kubearc/kubearc/pkg/armid"
)

var cluster = armid.ClusterID{Subscription: "00000000-0000-0000-0000-000000000001", ResourceGroup: "bench", Name: "bench-1"}

// idleCluster is a second cluster in the same group, without an agent.
const idleCluster = "idle-1"

// tunnelSetup is a hub, a registered cluster and its running tunnel.
type tunnelSetup struct {
	hub        *hubtest.Hub
	agent      *tunneltest.Agent
	userConfig *rest.Config // the proxy endpoint as the user "bench"
}

func (s *tunnelSetup) stop() {
	if s.agent != nil {
		s.agent.Stop()
	}
	_ = s.hub.Stop()
}

// startTunnel starts a hub, the cluster's agent with its tunnel to the API server of cfg and
// an idle cluster, and waits until a request passes through the tunnel.
func startTunnel(ctx context.Context, cfg *rest.Config) (*tunnelSetup, error) {
	h, err := hubtest.Start(ctx, hubtest.Options{})
	if err != nil {
		return nil, err
	}
	s := &tunnelSetup{hub: h}
	if err := s.start(ctx, cfg); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *tunnelSetup) start(ctx context.Context, cfg *rest.Config) error {
	forwarder, err := tunnel.NewForwarder(cfg, logr.Discard())
	if err != nil {
		return err
	}
	if s.agent, err = tunneltest.StartAgent(s.hub, cluster, forwarder); err != nil {
		return err
	}
	if err := putIdleCluster(s.hub); err != nil {
		return err
	}
	token, err := tunneltest.NewToken(s.hub, "bench", "Reader", "/")
	if err != nil {
		return err
	}
	s.userConfig = tunneltest.UserConfig(s.hub, cluster, token)
	s.userConfig.QPS = -1 // no client-side rate limit
	binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "bench-admin"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "kubearc:token:bench"}}}
	if _, err := kubernetes.NewForConfigOrDie(cfg).RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		return err
	}
	return waitThrough(ctx, s.userConfig)
}

func putIdleCluster(h *hubtest.Hub) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	pub, err := agentpubkey.Encode(key.Public())
	if err != nil {
		return err
	}
	idle := cluster
	idle.Name = idleCluster
	return tunneltest.PutCluster(h, idle, pub)
}

// waitThrough waits until a request passes through the tunnel.
func waitThrough(ctx context.Context, cfg *rest.Config) error {
	cs := kubernetes.NewForConfigOrDie(cfg)
	var err error
	for range 300 {
		if _, err = cs.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{}); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("no request passed through the tunnel: %w", err)
}
