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

// Package server wires the hub together: data directory, PKI, store, authentication, the
// management and agent APIs, health, metrics and graceful shutdown.
package server

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/agentapi"
	"github.com/kubearc/kubearc/hub/armapi"
	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/connectivity"
	"github.com/kubearc/kubearc/hub/customlocations"
	"github.com/kubearc/kubearc/hub/diagnostics"
	"github.com/kubearc/kubearc/hub/events"
	"github.com/kubearc/kubearc/hub/locationresources"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/pki"
	"github.com/kubearc/kubearc/hub/policy"
	"github.com/kubearc/kubearc/hub/policyinsights"
	"github.com/kubearc/kubearc/hub/portal"
	"github.com/kubearc/kubearc/hub/replica"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/postgres"
	"github.com/kubearc/kubearc/hub/store/sqlite"
	"github.com/kubearc/kubearc/hub/tunnel"
	"github.com/kubearc/kubearc/hub/workspaces"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Config is the hub's configuration; cmd/kubearc-hub fills it from flags and environment.
type Config struct {
	// Listen is the HTTPS listen address, e.g. ":8443".
	Listen string
	// DataDir holds the CA, the serving certificate, the admin token and the SQLite database.
	DataDir string
	// StoreDSN selects the store: empty or "sqlite" means SQLite in DataDir, sqlite:///path
	// another SQLite file, postgres://… PostgreSQL (docs/postgres.md).
	StoreDSN string
	// Hosts are extra names and IPs for the serving certificate.
	Hosts []string
	// OfflineAfter, ExpiredAfter: see connectivity.Options.
	OfflineAfter time.Duration
	ExpiredAfter time.Duration
	// CertLifetime is the lifetime of agent client certificates.
	CertLifetime time.Duration
	// FlushInterval is how often heartbeats are written behind.
	FlushInterval time.Duration
	// WatchHistory is how long deletions are remembered for resuming watches.
	WatchHistory time.Duration
	// PageSize is the number of resources per page of a listing (default 100).
	PageSize int
	// CatalogFile is the extension and agent catalog (YAML); empty means the built-in one.
	CatalogFile string
	// BookmarkInterval is how often an idle watch stream carries a bookmark (default 30s).
	BookmarkInterval time.Duration
	// Diagnostics is the retention of the agents' logs and usage (zero fields: the
	// defaults of diagnostics.Retention).
	Diagnostics diagnostics.Retention
	// AgentLimits bound what one agent may send (report size, statuses per report,
	// cluster-owned objects per cluster); zero fields take agentapi's defaults.
	AgentLimits agentapi.Limits
	// ShutdownTimeout bounds the graceful shutdown, and the final heartbeat flush after it.
	ShutdownTimeout time.Duration
	// BodyReadTimeout is how long a request may take to deliver its body (default 1m).
	BodyReadTimeout time.Duration
	// MetricsPerCluster adds each Connected cluster's agent CPU and memory to /metrics, one
	// series per cluster labelled with its ARM ID. Off by default: /metrics is
	// unauthenticated, and the series name every tenant's clusters.
	MetricsPerCluster bool
	// MaxUnauthenticatedConns caps the connections that have not authenticated yet (default
	// 512); past it, a new connection displaces the oldest of them if that one is older than
	// UnauthenticatedMinAge, and is closed otherwise.
	MaxUnauthenticatedConns int
	// MaxUnauthenticatedConnsPerIP caps those of one source address (an IPv4 address, an
	// IPv6 /64; default 64); past it, a new connection from that address is closed.
	MaxUnauthenticatedConnsPerIP int
	// UnauthenticatedMinAge is how long a new connection has to authenticate before another
	// may displace it (default 3s).
	UnauthenticatedMinAge time.Duration
	// MaxAgentConnsPerCluster caps the connections one cluster's client certificate
	// authenticates (default 16); more count as unauthenticated.
	MaxAgentConnsPerCluster int
	// PolicyResyncInterval is how often the clusters written lately get their policy
	// assignments' PolicySyncs repaired (default 1m; every cluster's at start-up).
	PolicyResyncInterval time.Duration
	// PolicyFetcher fetches policy definitions' PublicURL templates; nil reaches public https
	// URLs only (policy.Fetcher). Tests whose template servers listen on loopback opt in here.
	PolicyFetcher *policy.Fetcher
	// LocationResourceTimeout is how long a resource on a custom location waits for its
	// offline cluster before it fails (default 30m).
	LocationResourceTimeout time.Duration
	// Locations, when set, finds the custom locations that resources go on instead of the
	// hub's customLocations (tests stand in for them).
	Locations locationresources.Locations
	// ReplicaID names this hub among several replicas sharing one store; empty for a hub
	// alone on its store. docs/replicas.md.
	ReplicaID string
	// PeerURL is where the other replicas reach this one (https://host:port, a name or IP
	// in Hosts); empty means https:// + the bound address.
	PeerURL string
	// LeaderLeaseTTL is how long the leader's lease lasts unrenewed (default 15s).
	LeaderLeaseTTL time.Duration
	// WrapStore, when set, wraps the opened store (tests make it fail).
	WrapStore func(store.Store) store.Store
	// Log is the hub's logger.
	Log *slog.Logger
	// Ready, when set, receives the bound address once the hub serves.
	Ready func(addr string)
	// Now is the clock (default time.Now); tests inject one.
	Now func() time.Time
}

// Run serves the hub until ctx ends, then shuts down gracefully.
func Run(ctx context.Context, cfg Config) error {
	h, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	defer h.Close()
	return h.Serve(ctx)
}

// Hub is a hub's parts, set up by New; Serve serves them.
type Hub struct {
	cfg       Config
	authority *pki.Authority
	store     store.Store
	tracker   *connectivity.Tracker
	handler   http.Handler
	// broadcaster wakes watchers and drops cached agent keys when a cluster changes; writes
	// go through notifying, which tells it.
	broadcaster *events.Broadcaster
	tokens      *auth.TokenCache
	notifying   store.Store
	// catalog and kinds are built once at start-up.
	catalog *catalog.Catalog
	// dataKey seals protected values at rest: settings, credentials, portal sessions' tokens.
	dataKey []byte
	kinds   *nested.Registry
	// customLocations is the registered kind of custom locations.
	customLocations *customlocations.Service
	// syncRules are the custom locations' resource sync rules.
	syncRules *customlocations.SyncRules
	// workspaces are the monitoring workspaces extensions send telemetry to.
	workspaces *workspaces.Service
	policy     *policy.Service
	// admission counts the connections not authenticated yet, against their cap.
	admission *admission
	// agents is the agent API; it tells which client certificates authenticate.
	agents *agentapi.API
	// resources keeps the resources on custom locations.
	resources *locationresources.Service
	// tunnels holds the agents' cluster-connect tunnels.
	tunnels *tunnel.Server
	// diagnostics keeps the agents' logs and usage.
	diagnostics *diagnostics.Service
	// peering shares tunnels with the other replicas (nil alone); leader elects the replica
	// that runs the fleet-wide background work.
	peering *tunnel.Peering
	leader  replica.Leader
}

// withDefaults fills in what a zero Config leaves out.
func (cfg Config) withDefaults() Config {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = 10 * time.Second
	}
	if cfg.WatchHistory <= 0 {
		cfg.WatchHistory = 24 * time.Hour
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 15 * time.Second
	}
	if cfg.BodyReadTimeout <= 0 {
		cfg.BodyReadTimeout = time.Minute
	}
	if cfg.PolicyResyncInterval <= 0 {
		cfg.PolicyResyncInterval = time.Minute
	}
	return cfg.withAdmissionDefaults()
}

// withAdmissionDefaults fills in the limits of unauthenticated connections.
func (cfg Config) withAdmissionDefaults() Config {
	if cfg.MaxUnauthenticatedConns <= 0 {
		cfg.MaxUnauthenticatedConns = 512
	}
	if cfg.MaxUnauthenticatedConnsPerIP <= 0 {
		cfg.MaxUnauthenticatedConnsPerIP = 64
	}
	if cfg.UnauthenticatedMinAge <= 0 {
		cfg.UnauthenticatedMinAge = 3 * time.Second
	}
	if cfg.MaxAgentConnsPerCluster <= 0 {
		cfg.MaxAgentConnsPerCluster = 16
	}
	return cfg
}

// New sets up a hub from cfg: its CA, store, admin token, catalog and kinds; Close releases
// what it opened.
func New(ctx context.Context, cfg Config) (*Hub, error) {
	cfg = cfg.withDefaults()
	authority, err := pki.LoadOrCreate(cfg.DataDir, append(listenHosts(cfg.Listen), cfg.Hosts...))
	if err != nil {
		return nil, fmt.Errorf("setting up the hub CA in %s: %w", cfg.DataDir, err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.WrapStore != nil {
		st = cfg.WrapStore(st)
	}
	path, err := auth.EnsureAdminToken(ctx, st, cfg.DataDir, cfg.Now())
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("creating the admin token: %w", err)
	}
	cfg.Log.Info("Admin token", "file", path)
	tracker := connectivity.NewTracker(st, connectivity.Options{OfflineAfter: cfg.OfflineAfter, ExpiredAfter: cfg.ExpiredAfter,
		FlushTimeout: cfg.ShutdownTimeout, Now: cfg.Now})
	if err := tracker.Load(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	h := &Hub{cfg: cfg, authority: authority, store: st, tracker: tracker, broadcaster: events.NewBroadcaster()}
	if err := h.setupReplica(); err != nil {
		_ = st.Close()
		return nil, err
	}
	h.tokens = &auth.TokenCache{Store: st, Now: cfg.Now, Revocations: auth.NewRevocations(cfg.Now)}
	h.notifying = events.NotifyingStore{Store: h.tokens, Broadcaster: h.broadcaster}
	if err := h.setupKinds(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	h.admission = newAdmission(admissionLimits{total: cfg.MaxUnauthenticatedConns, perSource: cfg.MaxUnauthenticatedConnsPerIP,
		minAge: cfg.UnauthenticatedMinAge, perCluster: cfg.MaxAgentConnsPerCluster}, time.Now)
	h.handler = h.routes()
	return h, nil
}

func openStore(ctx context.Context, cfg Config) (store.Store, error) {
	dsn := cfg.StoreDSN
	switch {
	case dsn == "", dsn == "sqlite":
		dsn = filepath.Join(cfg.DataDir, "hub.db")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("opening the store: %w", err)
		}
		cfg.Log.Info("Store", "type", "postgres", "dsn", postgres.Redact(dsn))
		return st, nil
	}
	st, err := sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite://"))
	if err != nil {
		return nil, fmt.Errorf("opening the store: %w", err)
	}
	return st, nil
}

// routes: the agent API authenticates with client certificates, everything else with bearer
// tokens; health and metrics are open. In front of the routes, paths that are not clean get
// an ARM 400 and request bodies a read deadline; behind authentication, a connection leaves
// the unauthenticated connections' cap.
func (h *Hub) routes() http.Handler {
	st, broadcaster := h.notifying, h.broadcaster
	arm := &armapi.API{Store: st, Tracker: h.tracker, Log: h.cfg.Log, Now: h.cfg.Now, PageSize: h.cfg.PageSize,
		HubCAPEM: h.authority.CAPEM(), Kinds: h.kinds, Catalog: h.catalog, Policy: h.policy, CustomLocations: h.customLocations,
		SyncRules: h.syncRules, Workspaces: h.workspaces,
		PolicyInsights: &policyinsights.Service{Store: st, Evaluations: h.policy, Now: h.cfg.Now, PageSize: h.cfg.PageSize}}
	agents := &agentapi.API{Store: st, Tracker: h.tracker, Authority: h.authority, Broadcaster: broadcaster,
		Log: h.cfg.Log, CertLifetime: h.cfg.CertLifetime, BookmarkInterval: h.cfg.BookmarkInterval, Now: h.cfg.Now,
		StatusHook: h.kinds.StatusesReported, Limits: h.cfg.AgentLimits, Revocations: h.tokens.Revocations}
	h.agents = agents
	h.diagnostics = &diagnostics.Service{Store: st, Retention: h.cfg.Diagnostics, Log: h.cfg.Log,
		Revocations: h.tokens.Revocations, Now: h.cfg.Now}
	arm.Diagnostics, agents.Logs = h.diagnostics, h.diagnostics
	authn := &auth.Authenticator{Store: h.tokens, Now: h.cfg.Now}
	m := newMetrics(h.tracker, h.cfg.MetricsPerCluster)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /readyz", h.ready)
	mux.Handle("GET /metrics", m.handler())
	mux.Handle("/agent/", m.instrument("agent", agents.Handler()))
	resources, tunnels := h.locationResources(st, tunnel.Options{Agents: agents, Store: st, Log: h.cfg.Log, Now: h.cfg.Now,
		Revocations: h.tokens.Revocations, Peering: h.peering})
	h.resources, arm.LocationResources, h.tunnels = resources, resources, tunnels
	m.countTunnels(tunnels.Open)
	m.countAdmission(h.admission.counts)
	mux.Handle("POST "+protocol.PathTunnel, m.instrument("tunnel", tunnels.AgentHandler()))
	mux.Handle("GET "+protocol.PathTunnel, m.instrument("tunnel", tunnels.AgentHandler())) // agents before the POST
	mux.Handle(tunnel.ProxyPrefix+"/", m.instrument("proxy", authn.Middleware(authenticated(tunnels.ProxyHandler()))))
	mux.Handle(tunnel.PeerProxyPrefix+"/", m.instrument("peer", h.fromReplica(tunnels.PeerHandler())))
	armHandler := arm.Handler()
	mux.Handle(portal.Prefix, m.instrument("portal", portal.New(portal.Options{ARM: armHandler, Authenticator: authn, Store: st,
		DataKey: h.dataKey, Tracker: h.tracker, Changes: broadcaster, Authenticated: authenticated, Log: h.cfg.Log, Now: h.cfg.Now}).Handler()))
	mux.Handle("/", m.instrument("arm", authn.Middleware(authenticated(armHandler))))
	return armapi.RejectUncleanPaths(h.cfg.Log, boundSlowClients(h.cfg.BodyReadTimeout, mux))
}

func ok(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }

// http2Config lets an agent's tunnel, an HTTP/2 stream beside its other requests, have as
// much in flight towards the hub as a stream inside the tunnel may (tunnelmux's window): the
// default, 1 MiB per connection, would bound a kubectl answer from the cluster to a quarter
// of that. The hub reads a tunnel as it arrives, so the bound is rarely reached. Pings close
// a connection whose agent went silently (its tunnel's yamux keep-alive ends the tunnel, not
// the connection), so that it does not hold a file and an admission slot for minutes.
var http2Config = &http.HTTP2Config{MaxReceiveBufferPerStream: 4 << 20, MaxReceiveBufferPerConnection: 8 << 20,
	SendPingTimeout: 30 * time.Second, PingTimeout: 15 * time.Second}

// Serve serves the hub until ctx ends, then shuts down gracefully.
func (h *Hub) Serve(ctx context.Context) error {
	tcp, err := (&net.ListenConfig{}).Listen(ctx, "tcp", h.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", h.cfg.Listen, err)
	}
	ln := h.admission.listener(tcp)
	// Cancelling the base context ends long-lived watch streams on shutdown.
	baseCtx, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	srv := &http.Server{
		Handler:           h.handler,
		TLSConfig:         h.tlsConfig(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		ConnContext:       withAdmittedConn,
		ErrorLog:          slog.NewLogLogger(h.cfg.Log.Handler(), slog.LevelDebug),
		HTTP2:             http2Config,
	}
	// Background work stops after the server: heartbeats still in flight at shutdown are in
	// the tracker's final flush.
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	bgDone := make(chan struct{})
	go func() { h.background(bgCtx); close(bgDone) }()
	defer func() { stopBackground(); <-bgDone }()

	h.setPeerURL(ln.Addr().String()) // before a tunnel can arrive and be recorded
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	h.cfg.Log.Info("Hub serving", "address", ln.Addr().String(), "dataDir", h.cfg.DataDir)
	if h.cfg.Ready != nil {
		h.cfg.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	h.cfg.Log.Info("Hub shutting down")
	cancelBase()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), h.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}

func (h *Hub) tlsConfig() *tls.Config {
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{h.authority.ServingCertificate()},
		// Agents present the client certificate the hub issued; users use bearer tokens. The
		// agent API verifies the certificate itself (agentapi), so that a foreign one gets a
		// 401 telling the agent to register again rather than a TLS alert.
		ClientAuth: tls.RequestClientCert,
		// Certificate validity follows the hub's clock, the same one that issued them.
		Time: h.cfg.Now,
	}
	cfg.GetConfigForClient = authenticateAtHandshake(cfg, h.agents.AgentOf)
	return cfg
}

// background writes heartbeats behind, converges the resources on custom locations of this
// replica's tunnels and, with replicas, keeps the store's records of those tunnels, and runs
// the fleet's work while this replica leads, until ctx ends; it returns after the tracker's
// final flush.
func (h *Hub) background(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { h.tracker.Run(ctx, h.cfg.FlushInterval, h.cfg.Log) })
	wg.Go(func() { h.resources.Run(ctx, time.Minute) }) // through this replica's tunnels
	wg.Go(func() { h.leader.Lead(ctx, h.fleetWork) })
	if h.peering != nil { // agents heartbeat to other replicas too, and they relay to tunnels by their records
		wg.Go(func() { h.tracker.RunRefresh(ctx, h.cfg.FlushInterval, h.cfg.Log) })
		wg.Go(func() { h.tunnels.KeepRecords(ctx) })
	}
	if remote, ok := h.store.(events.RemoteChanges); ok { // other replicas' writes wake watches here
		wg.Go(func() { h.broadcaster.Follow(ctx, remote, h.tokens, h.cfg.Log) })
	}
}

// fleetWork is the background work of the whole fleet, which one replica runs: it repairs
// the clusters' policy and workspace bindings, prunes diagnostics and compacts the watch
// history until ctx ends.
func (h *Hub) fleetWork(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { h.policy.Run(ctx, h.cfg.PolicyResyncInterval) })
	wg.Go(func() { h.diagnostics.Run(ctx, time.Minute) })
	wg.Go(func() { h.workspaces.Run(ctx, 10*time.Minute) })
	ticker := time.NewTicker(time.Hour)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := h.store.CompactDesired(ctx, h.cfg.Now().Add(-h.cfg.WatchHistory)); err != nil {
				h.cfg.Log.Error("Compacting the watch history failed", "error", err)
			}
		}
	}
}

// Store is the hub's store, for tests that look at what it holds.
func (h *Hub) Store() store.Store { return h.store }

// Close closes the hub's store.
func (h *Hub) Close() {
	if err := h.store.Close(); err != nil {
		h.cfg.Log.Error("Closing the store failed", "error", err)
	}
}

// listenHosts returns the host of the listen address for the serving certificate.
func listenHosts(listen string) []string {
	host, _, err := net.SplitHostPort(listen)
	if err != nil || host == "" || host == "0.0.0.0" || host == "::" {
		return nil
	}
	return []string{host}
}
