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

// Command localcluster runs a local Kubernetes control plane (kube-apiserver and etcd built by
// `make envtest`) with the kubearc CRDs installed, writes an admin kubeconfig and runs until
// interrupted. It is the quickstart's cluster on machines without Docker.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/kubearc/kubearc/internal/localcluster"
)

func main() {
	kubeconfig := flag.String("write-kubeconfig", ".kubearc/kubeconfig", "Where to write the admin kubeconfig.")
	nodes := flag.Int("nodes", 3, "How many Node objects (4 vCPU, 16Gi each) to create, since the control plane has no kubelets.")
	flag.Parse()
	if err := run(*kubeconfig, *nodes); err != nil {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(1)
	}
}

func run(kubeconfig string, nodes int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	env, cfg, err := localcluster.Start()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	if err := seedNodes(ctx, cfg, nodes); err != nil {
		return err
	}

	admin, err := env.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("adding the admin user: %w", err)
	}
	config, err := admin.KubeConfig()
	if err != nil {
		return fmt.Errorf("writing the admin kubeconfig: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(kubeconfig), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(kubeconfig, config, 0o600); err != nil {
		return err
	}
	fmt.Printf("local cluster is up; kubeconfig: %s (Ctrl-C stops it)\n", kubeconfig)
	<-ctx.Done()
	return nil
}
