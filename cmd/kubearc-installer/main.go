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

// Command kubearc-installer runs one Helm action for the kubearc agent and exits. The agent
// starts it only when there is something to install, upgrade or uninstall, so the Helm SDK is
// never resident in the agent (internal/helm/installer). It reads one JSON request on stdin,
// protected settings included, and writes the response on stdout; its own log goes to
// stderr, which the agent logs at debug level.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client/config"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/kubearc/kubearc/internal/helm"
	"github.com/kubearc/kubearc/internal/helm/installer"
	"github.com/kubearc/kubearc/internal/version"
)

func main() {
	// --kubeconfig is controller-runtime's, as the agent's: the same cluster, found the same way.
	namespace := flag.String("namespace", "kubearc-system", "The agent's namespace, the Helm client's default namespace.")
	cacheDir := flag.String("chart-cache-dir", filepath.Join(os.TempDir(), "kubearc-charts"),
		"Directory where downloaded charts are cached.")
	flag.Parse()
	log := slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	logf.SetLogger(logr.FromSlogHandler(log))
	if err := run(log, *namespace, *cacheDir); err != nil {
		fmt.Fprintln(os.Stderr, "kubearc-installer:", err)
		os.Exit(1)
	}
}

// run serves the request on stdin with Helm in this process.
func run(log slog.Handler, namespace, cacheDir string) error {
	cfg, err := config.GetConfig()
	if err != nil {
		return fmt.Errorf("finding the cluster: %w", err)
	}
	local := &helm.Local{
		Client: helm.NewClient(helm.NewRESTClientGetter(cfg, namespace), log),
		Charts: &helm.ChartSource{CacheDir: cacheDir, UserAgent: "kubearc-agent/" + version.Version},
	}
	// The agent cancels a request by killing the installer; a TERM (the pod stops) ends the
	// Helm action's context.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return installer.Serve(ctx, os.Stdin, os.Stdout, local)
}
