// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/internal/pgtest"
)

// keyMismatch is what a hub started with another store's data key says.
const keyMismatch = "data.key does not match the key this store was sealed with"

// A hub whose data.key was replaced refuses to start on its SQLite store, saying what to
// do; with its own key back it starts.
func TestReplacedDataKeyRefused(t *testing.T) {
	dir := t.TempDir()
	sqliteHub := func(c *server.Config) { c.StoreDSN = "" }
	first := withCleanup(t, startOn(t, dir, sqliteHub))
	first.stop()
	original := readFile(t, filepath.Join(dir, "data.key"))
	if err := os.Remove(filepath.Join(dir, "data.key")); err != nil {
		t.Fatal(err)
	}
	_, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Configure: sqliteHub})
	wantKeyRefused(t, err, original)

	if err := os.WriteFile(filepath.Join(dir, "data.key"), []byte(original), 0o600); err != nil {
		t.Fatal(err)
	}
	withCleanup(t, startOn(t, dir, sqliteHub))
}

// A replica on one PostgreSQL with a data.key of its own (not copied from the first replica)
// refuses to start; with the first one's data.key copied it starts.
func TestReplicaWithAnotherDataKeyRefused(t *testing.T) {
	dsn := pgtest.Start(t).Database(t, "datakey")
	dirA, dirB := t.TempDir(), t.TempDir()
	startReplica(t, dirA, dsn, "a")
	for _, f := range []string{"ca.crt", "ca.key", "admin.token"} {
		copyFile(t, filepath.Join(dirA, f), filepath.Join(dirB, f))
	}
	replicaB := func(c *server.Config) {
		c.ReplicaID, c.StoreDSN = "b", dsn
		c.FlushInterval, c.BookmarkInterval = 200*time.Millisecond, time.Hour
	}
	_, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dirB, Configure: replicaB})
	wantKeyRefused(t, err, readFile(t, filepath.Join(dirA, "data.key")))

	copyFile(t, filepath.Join(dirA, "data.key"), filepath.Join(dirB, "data.key"))
	b := startReplica(t, dirB, dsn, "b")
	if status := b.get("/readyz"); status != 200 {
		t.Errorf("replica b with a's data.key: /readyz %d, want 200", status)
	}
}

// startOn starts a hub on data directory dir, configured by configure.
func startOn(t *testing.T, dir string, configure func(*server.Config)) *hubtest.Hub {
	t.Helper()
	h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Configure: configure})
	if err != nil {
		t.Fatalf("starting the hub: %v", err)
	}
	return h
}

// wantKeyRefused checks that a hub refused to start for its data key, saying what to do,
// without the store's key (hex, as in data.key) in the message.
func wantKeyRefused(t *testing.T, err error, storeKey string) {
	t.Helper()
	if err == nil {
		t.Fatal("the hub started with another data key, want it refused")
	}
	msg := err.Error()
	for _, want := range []string{keyMismatch, "(fingerprint ", "copy data.key from another replica's data directory (docs/replicas.md)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, strings.TrimSpace(storeKey)) {
		t.Errorf("the refusal shows the store's data key: %q", msg)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
