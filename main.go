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

// Command kubearc-agent is the kubearc agent: the controller manager that runs in a cluster,
// connects outbound to the hub and reconciles the arc.kubearc.io resources.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	uberzap "go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/kubearc/kubearc/controllers"
	"github.com/kubearc/kubearc/internal/agent"
	"github.com/kubearc/kubearc/internal/agentlog"
	"github.com/kubearc/kubearc/internal/connectivitycheck"
	"github.com/kubearc/kubearc/internal/helm/installer"
	"github.com/kubearc/kubearc/internal/version"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// leaderElectionID is the Lease that makes sure only one agent replica speaks for the cluster.
const leaderElectionID = "kubearc-agent.arc.kubearc.io"

type options struct {
	namespace               string
	metricsAddr             string
	probeAddr               string
	leaderElect             bool
	leaderElectionNamespace string
	releaseName             string
	releaseNamespace        string
	chartCacheDir           string
	installerPath           string
	features                string
	logBufferBytes          int
	logBufferLines          int
	shippedLogLevel         string
	checkInterval           time.Duration
	zap                     zap.Options
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.namespace, "namespace", envOr("POD_NAMESPACE", "kubearc-system"),
		"The agent's namespace, holding its key, its hub CA and its leader-election Lease.")
	flag.StringVar(&o.metricsAddr, "metrics-bind-address", ":8080",
		"Address the Prometheus metrics endpoint listens on; 0 turns it off.")
	flag.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081",
		"Address the /healthz and /readyz endpoints listen on.")
	flag.BoolVar(&o.leaderElect, "leader-elect", true,
		"Elect a leader so that only one agent replica speaks for the cluster.")
	flag.StringVar(&o.leaderElectionNamespace, "leader-election-namespace", "",
		"Namespace of the leader-election Lease; defaults to the agent's own namespace in a pod.")
	flag.StringVar(&o.releaseName, "agent-release-name", os.Getenv("KUBEARC_RELEASE_NAME"),
		"The agent's own Helm release, which it upgrades when the hub targets a newer version; empty when it runs outside one.")
	flag.StringVar(&o.releaseNamespace, "agent-release-namespace", os.Getenv("KUBEARC_RELEASE_NAMESPACE"),
		"Namespace of the agent's Helm release; defaults to the agent's namespace.")
	flag.StringVar(&o.chartCacheDir, "chart-cache-dir", filepath.Join(os.TempDir(), "kubearc-charts"),
		"Directory where downloaded extension charts are cached.")
	flag.StringVar(&o.installerPath, "installer-path", installer.DefaultPath(),
		"The kubearc-installer executable, started for each Helm install, upgrade or uninstall (default: beside the agent).")
	flag.StringVar(&o.features, "features", os.Getenv("KUBEARC_FEATURES"),
		"Comma-separated optional features to turn on, as az connectedk8s enable-features names them: custom-locations.")
	flag.IntVar(&o.logBufferBytes, "log-buffer-bytes", 4<<20,
		"Bytes of log lines held for the hub while it cannot be reached; past it the oldest lines are dropped and counted.")
	flag.IntVar(&o.logBufferLines, "log-buffer-lines", 10_000,
		"Log lines held for the hub while it cannot be reached; past it the oldest lines are dropped and counted.")
	flag.StringVar(&o.shippedLogLevel, "shipped-log-level", protocol.LogLevelInfo,
		"The least severe level of the log lines shipped to the hub: debug, info, warn or error.")
	flag.DurationVar(&o.checkInterval, "connectivity-check-interval", connectivitycheck.DefaultInterval,
		"How often the agent checks its connectivity to the hub (DNS, TCP, proxy, TLS, clock skew, client certificate), besides at start and after a failed connection; at least 1m.")
	printVersion := flag.Bool("version", false, "Print the agent's version and exit.")
	o.zap.BindFlags(flag.CommandLine)
	flag.Parse()
	if *printVersion {
		fmt.Println("kubearc-agent version", version.Version) // as kubearc-hub --version says it
		os.Exit(0)
	}
	if o.checkInterval < time.Minute {
		fmt.Fprintf(os.Stderr, "invalid --connectivity-check-interval %s: it must be at least 1m (the default is 10m)\n", o.checkInterval)
		os.Exit(2)
	}
	if err := validateLogBuffer(o.logBufferLines, o.logBufferBytes); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	return o
}

// minLogBufferBytes holds a few lines of the largest size the hub accepts (a message and
// fields of 16 KiB each).
const minLogBufferBytes = 64 << 10

// validateLogBuffer checks the bounds of the log ring: it must hold at least a line.
func validateLogBuffer(lines, bytes int) error {
	if lines < 1 {
		return fmt.Errorf("invalid --log-buffer-lines %d: it must be at least 1 (the default is 10000)", lines)
	}
	if bytes < minLogBufferBytes {
		return fmt.Errorf("invalid --log-buffer-bytes %d: it must be at least %d (64 KiB; the default is 4 MiB)", bytes, minLogBufferBytes)
	}
	return nil
}

// kubeconfigFlag is controller-runtime's --kubeconfig, from which the manager found the
// cluster; the installer gets it too.
func kubeconfigFlag() string {
	if f := flag.Lookup("kubeconfig"); f != nil {
		return f.Value.String()
	}
	return ""
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func main() {
	o := parseFlags()
	ring := agentlog.NewRing(o.logBufferLines, o.logBufferBytes)
	shipped, err := agentlog.ParseLevel(o.shippedLogLevel)
	if err == nil {
		// Every line is also teed, redacted, into the ring the hub is sent from.
		o.zap.ZapOpts = append(o.zap.ZapOpts, uberzap.WrapCore(func(c zapcore.Core) zapcore.Core {
			return zapcore.NewTee(c, agentlog.NewCore(ring, shipped))
		}))
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&o.zap)))
	log := ctrl.Log.WithName("setup")
	if err != nil {
		log.Error(err, "Invalid --shipped-log-level")
		os.Exit(1)
	}

	features, err := agent.ParseFeatures(o.features)
	if err != nil {
		log.Error(err, "Invalid --features")
		os.Exit(1)
	}
	scheme, err := controllers.NewScheme()
	if err != nil {
		log.Error(err, "Unable to build the scheme")
		os.Exit(1)
	}
	cfg := ctrl.GetConfigOrDie()
	if o.leaderElectionNamespace == "" {
		o.leaderElectionNamespace = o.namespace
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme: scheme,
		// The agent reads Secrets in its own namespace only, and its RBAC allows no more.
		Cache:                   controllers.CacheOptions(o.namespace),
		Metrics:                 metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress:  o.probeAddr,
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        leaderElectionID,
		LeaderElectionNamespace: o.leaderElectionNamespace,
		// Release the Lease on a clean shutdown so a new replica takes over at once.
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		log.Error(err, "Unable to create the manager")
		os.Exit(1)
	}
	if o.releaseNamespace == "" {
		o.releaseNamespace = o.namespace
	}
	if _, err := os.Stat(o.installerPath); err != nil {
		log.Error(err, "The Helm installer is missing: extensions and agent upgrades fail until it is there; set --installer-path")
	}
	if _, err := controllers.Setup(mgr, o.namespace, controllers.WithChartCache(o.chartCacheDir),
		controllers.WithInstaller(o.installerPath, kubeconfigFlag()),
		controllers.WithAgentRelease(o.releaseName, o.releaseNamespace), controllers.WithFeatures(features),
		controllers.WithLogShipping(ring, agentlog.LevelSetter(shipped)),
		controllers.WithConnectivityCheckInterval(o.checkInterval)); err != nil {
		log.Error(err, "Unable to set up the controllers")
		os.Exit(1)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		log.Error(err, "Unable to set up the health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		log.Error(err, "Unable to set up the ready check")
		os.Exit(1)
	}

	log.Info("Starting the kubearc agent", "version", version.Version, "features", features)
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		log.Error(err, "The manager stopped with an error")
		os.Exit(1)
	}
}
