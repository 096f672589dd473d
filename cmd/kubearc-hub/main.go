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

// Command kubearc-hub is the kubearc control plane.
package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubearc/kubearc/hub/diagnostics"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/internal/version"
)

// envPrefix: every flag can also be set as KUBEARC_HUB_<FLAG_NAME>, e.g. KUBEARC_HUB_DATA_DIR.
const envPrefix = "KUBEARC_HUB_"

func main() {
	root := &cobra.Command{
		Use:           "kubearc-hub",
		Short:         "The kubearc control plane: ARM-compatible management API, agent API, tunnel relay",
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCommand())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "kubearc-hub:", err)
		os.Exit(1)
	}
}

func serveCommand() *cobra.Command {
	cfg := server.Config{}
	var hosts []string
	var logLevel string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the hub over HTTPS",
		Long: "Serve the hub over HTTPS. On first start in an empty data directory it creates a CA, a serving\n" +
			"certificate, an admin token (admin.token, mode 0600) and the database.\n" +
			"Every flag can also be set in the environment as " + envPrefix + "<FLAG>, e.g. " + envPrefix + "DATA_DIR.",
		PreRunE: func(cmd *cobra.Command, _ []string) error { return flagsFromEnv(cmd.Flags()) },
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(logLevel)
			if err != nil {
				return err
			}
			cfg.Log, cfg.Hosts = log, hosts
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return server.Run(ctx, cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Listen, "listen", ":8443", "HTTPS listen address")
	f.StringVar(&cfg.DataDir, "data-dir", "/var/lib/kubearc-hub", "directory for the CA, certificates, admin token and SQLite database")
	f.StringVar(&cfg.StoreDSN, "store", "", "store: empty or sqlite for SQLite in the data directory, sqlite:///path/hub.db for another file, "+
		"postgres://user@host/db for PostgreSQL (docs/postgres.md; set "+envPrefix+"STORE instead to keep a password out of ps)")
	f.StringSliceVar(&hosts, "host", nil, "extra DNS names or IPs for the serving certificate (repeatable)")
	f.DurationVar(&cfg.OfflineAfter, "offline-after", 5*time.Minute, "heartbeat silence after which a cluster is Offline")
	f.DurationVar(&cfg.ExpiredAfter, "expired-after", 0, "how long an agent certificate may be lapsed without renewal before the cluster is Expired")
	f.DurationVar(&cfg.CertLifetime, "agent-cert-lifetime", 30*24*time.Hour, "lifetime of agent client certificates (renewed at two thirds)")
	f.DurationVar(&cfg.FlushInterval, "heartbeat-flush-interval", 10*time.Second, "how often heartbeats held in memory are written to the store")
	f.DurationVar(&cfg.WatchHistory, "watch-history", 24*time.Hour, "how long deletions are kept for agents resuming a watch")
	f.DurationVar(&cfg.Diagnostics.LogAge, "agent-log-retention", diagnostics.DefaultLogAge, "how long the agents' log lines are kept")
	f.Int64Var(&cfg.Diagnostics.LogBytes, "agent-log-max-bytes", diagnostics.DefaultLogBytes,
		"the most bytes of log lines kept per cluster; the oldest go first")
	f.DurationVar(&cfg.Diagnostics.UsageAge, "agent-usage-retention", diagnostics.DefaultUsageAge,
		"how long the agents' CPU and memory samples are kept")
	f.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long a graceful shutdown may take (and, after it, the final heartbeat flush)")
	f.BoolVar(&cfg.MetricsPerCluster, "metrics-per-cluster", false,
		"add each Connected cluster's agent CPU and memory to /metrics, labelled with the cluster's ID (/metrics is unauthenticated)")
	f.DurationVar(&cfg.BodyReadTimeout, "body-read-timeout", time.Minute, "how long a request may take to deliver its body (docs/hub-limits.md)")
	f.IntVar(&cfg.MaxUnauthenticatedConns, "max-unauthenticated-conns", 512, "connections not yet authenticated held at once; past it a new one closes the oldest if older than --unauthenticated-min-age, else is closed")
	f.IntVar(&cfg.MaxUnauthenticatedConnsPerIP, "max-unauthenticated-conns-per-ip", 64, "connections not yet authenticated held at once from one IPv4 address or IPv6 /64")
	f.DurationVar(&cfg.UnauthenticatedMinAge, "unauthenticated-min-age", 3*time.Second, "how long a new connection has to authenticate before another may displace it")
	f.IntVar(&cfg.MaxAgentConnsPerCluster, "max-agent-conns-per-cluster", 16, "connections one cluster's agent certificate authenticates; more count as unauthenticated")
	f.StringVar(&cfg.CatalogFile, "catalog", "", "extension and agent catalog file (YAML, see docs/extensions.md); empty means the built-in catalog")
	f.DurationVar(&cfg.PolicyResyncInterval, "policy-resync-interval", time.Minute, "how often the clusters written lately get their policy assignments repaired (docs/policy.md); every cluster at start-up")
	f.StringVar(&cfg.ReplicaID, "replica-id", "", "this replica's name among several hub replicas sharing one store (docs/replicas.md); empty for a hub alone")
	f.StringVar(&cfg.PeerURL, "peer-url", "", "https://host:port where the other replicas reach this one (host in --host); empty means https:// + the listen address")
	f.DurationVar(&cfg.LeaderLeaseTTL, "leader-lease-ttl", 15*time.Second, "how long the leader of the fleet-wide background work holds its lease unrenewed; a dead leader is replaced within it")
	f.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	return cmd
}

// flagsFromEnv sets every flag not given on the command line from its environment variable.
func flagsFromEnv(flags *pflag.FlagSet) error {
	var err error
	flags.VisitAll(func(f *pflag.Flag) {
		name := envPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok && !f.Changed && err == nil {
			if setErr := flags.Set(f.Name, v); setErr != nil {
				err = fmt.Errorf("%s: %w", name, setErr)
			}
		}
	})
	return err
}

func newLogger(level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l})), nil
}
