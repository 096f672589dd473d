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

package server_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/hub/store/postgres"
	"github.com/kubearc/kubearc/internal/pgtest"
)

// postgresTests maps the tests that run on PostgreSQL (through TestPostgres…) to their
// database's DSN; startHub uses SQLite for every other test.
var postgresTests sync.Map

// testStoreDSN is the store of the test's hub: a database on a PostgreSQL server of the
// test's own when the test runs under runOnPostgres, else "" (SQLite in the data directory).
func testStoreDSN(t *testing.T) string {
	for name := t.Name(); ; {
		if dsn, ok := postgresTests.Load(name); ok {
			return dsn.(string)
		}
		i := strings.LastIndex(name, "/")
		if i < 0 {
			return ""
		}
		name = name[:i]
	}
}

// runOnPostgres runs each test of tests as a subtest whose hubs store in PostgreSQL.
func runOnPostgres(t *testing.T, tests map[string]func(*testing.T)) {
	for name, test := range tests {
		t.Run(name, func(t *testing.T) {
			srv := pgtest.Start(t)
			dsn := srv.Database(t, "hub")
			postgresTests.Store(t.Name(), dsn)
			t.Cleanup(func() { postgresTests.Delete(t.Name()) })
			test(t)
			wantUsed(t, dsn)
		})
	}
}

// wantUsed fails the test unless a hub stored in the database of dsn: it holds the admin
// token every hub creates at start.
func wantUsed(t *testing.T, dsn string) {
	t.Helper()
	st, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("open the test's PostgreSQL store: %v", err)
	}
	defer func() { _ = st.Close() }()
	if tokens, err := st.ListTokens(t.Context()); err != nil || len(tokens) == 0 {
		t.Errorf("the test's PostgreSQL database holds tokens %v, %v: its hub did not store there", tokens, err)
	}
}

// TestPostgresRacing runs the racing suites on PostgreSQL: compare-and-swap under
// serializable transactions must keep the same promises as on SQLite.
func TestPostgresRacing(t *testing.T) {
	runOnPostgres(t, map[string]func(*testing.T){
		"ClusterPatchRacingDeleteNeverResurrects":     TestClusterPatchRacingDeleteNeverResurrects,
		"NestedPatchRacingForceDeleteNeverResurrects": TestNestedPatchRacingForceDeleteNeverResurrects,
		"NestedWritesRacingClusterDeleteAnswer404":    TestNestedWritesRacingClusterDeleteAnswer404,
	})
}

// TestPostgresStore: a hub given a postgres:// DSN stores in PostgreSQL, and its log names
// the store without the DSN's password.
func TestPostgresStore(t *testing.T) {
	const password = "pg-canary-password"
	srv := pgtest.Start(t)
	dsn := strings.Replace(srv.Database(t, "hub"), "kubearc@", "kubearc:"+password+"@", 1)
	var logs bytes.Buffer
	var mu sync.Mutex
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) {
		cfg.StoreDSN = dsn
		cfg.Log = slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}})
	th.createCluster(sub, rg, "pg1")
	if r := th.do(http.MethodGet, clusterPath(sub, rg, "pg1")+api2024, th.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("GET of a cluster created on PostgreSQL = %d %s", r.status, r.raw)
	}
	th = th.restart()
	if r := th.do(http.MethodGet, clusterPath(sub, rg, "pg1")+api2024, th.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("GET after a restart on PostgreSQL = %d %s", r.status, r.raw)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), password) {
		t.Errorf("the hub logged the store's password:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "type=postgres") {
		t.Errorf("the hub's log does not say it stores in PostgreSQL:\n%s", logs.String())
	}
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestPostgresCrashKeepsAcknowledgedWrites runs the crash suite with the kubearc-hub binary
// on PostgreSQL, its DSN given in the environment (KUBEARC_HUB_STORE) as docs/postgres.md
// advises: what the hub acknowledged before SIGKILL is there after it starts again.
func TestPostgresCrashKeepsAcknowledgedWrites(t *testing.T) {
	srv := pgtest.Start(t)
	dsn := srv.Database(t, "hub")
	t.Setenv("KUBEARC_HUB_STORE", dsn)
	TestCrashKeepsAcknowledgedWrites(t)
	wantUsed(t, dsn)
}
