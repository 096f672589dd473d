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
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/internal/pgtest"
	"github.com/kubearc/kubearc/pkg/seal"
)

// keyMismatch is what a hub started with another store's data key says.
const keyMismatch = "data.key does not match the key this store was sealed with"

// copyKey is what a hub that had to create its data key on a store sealed with another one
// says to do.
const copyKey = "copy data.key from the hub or replica that wrote this store (docs/replicas.md)"

// sqliteHub runs the hub on SQLite in its data directory.
func sqliteHub(c *server.Config) { c.StoreDSN = "" }

// A hub whose data.key was replaced by another key refuses to start on its SQLite store,
// saying what to do; one whose data.key was removed refuses too, leaving no key of its own
// behind; with its own key back it starts.
func TestReplacedDataKeyRefused(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "data.key")
	first := withCleanup(t, startOn(t, dir, sqliteHub))
	first.stop()
	original := readFile(t, keyFile)

	writeFile(t, keyFile, newDataKeyHex(t))
	_, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Configure: sqliteHub})
	wantKeyRefused(t, err, original)

	removeFile(t, keyFile)
	_, err = hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Configure: sqliteHub})
	wantMissingKeyRefused(t, err, dir, original)

	writeFile(t, keyFile, original)
	withCleanup(t, startOn(t, dir, sqliteHub))
}

// A replica on one PostgreSQL whose data.key was not copied from the first replica refuses
// to start, leaving no key of its own behind; with the first one's data.key copied it starts.
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
	wantMissingKeyRefused(t, err, dirB, readFile(t, filepath.Join(dirA, "data.key")))
	if err != nil && !strings.Contains(err.Error(), "(fingerprint ") {
		t.Errorf("the refusal %q does not name the store's key's fingerprint", err)
	}

	copyFile(t, filepath.Join(dirA, "data.key"), filepath.Join(dirB, "data.key"))
	b := startReplica(t, dirB, dsn, "b")
	if status := b.get("/readyz"); status != 200 {
		t.Errorf("replica b with a's data.key: /readyz %d, want 200", status)
	}
}

// The first start of this version on a store written before it recorded its data key (an
// upgrade: a cluster, no hub_meta row): a hub that had to create its data.key refuses to
// start, records nothing and leaves no key behind; with the store's own data.key it starts
// and records that key.
func TestUpgradedStoreRefusesANewDataKey(t *testing.T) {
	dir := t.TempDir()
	keyFile, dbFile := filepath.Join(dir, "data.key"), filepath.Join(dir, "hub.db")
	h := withCleanup(t, startOn(t, dir, sqliteHub))
	h.createCluster(sub, "rg", "c1")
	h.stop()
	original := readFile(t, keyFile)
	execSQLite(t, dbFile, "DELETE FROM hub_meta")
	removeFile(t, keyFile)

	_, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Configure: sqliteHub})
	wantMissingKeyRefused(t, err, dir, original)
	if proof := dataKeyRecord(t, dbFile); proof != "" {
		t.Errorf("the refused hub recorded its key in the store: %s", proof)
	}

	writeFile(t, keyFile, original)
	withCleanup(t, startOn(t, dir, sqliteHub)).stop()
	var proof struct{ Canary string }
	if err := json.Unmarshal([]byte(dataKeyRecord(t, dbFile)), &proof); err != nil {
		t.Fatalf("the store's record of its data key after the start: %v", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(original))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seal.OpenWithKey(key, proof.Canary); err != nil {
		t.Errorf("the store recorded another key than its data.key: %v", err)
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

// wantMissingKeyRefused checks that a hub refused to start for the data key it had to create
// in dir, saying what to do, without the store's key (storeKey) in the message, and left no
// data.key in dir.
func wantMissingKeyRefused(t *testing.T, err error, dir, storeKey string) {
	t.Helper()
	if err == nil {
		t.Fatal("the hub started with a data key it created on a store sealed with another, want it refused")
	}
	msg := err.Error()
	for _, want := range []string{"data.key is missing from " + dir + " but the store already holds data sealed with a key", copyKey} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, strings.TrimSpace(storeKey)) {
		t.Errorf("the refusal shows the store's data key: %q", msg)
	}
	if _, err := os.Stat(filepath.Join(dir, "data.key")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused hub left a data.key in its data directory (%v): a start after copying the key would fail", err)
	}
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

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func removeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// newDataKeyHex is a new data key as data.key holds it.
func newDataKeyHex(t *testing.T) string {
	t.Helper()
	key, err := seal.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(key) + "\n"
}

// execSQLite runs query on the stopped hub's SQLite file.
func execSQLite(t *testing.T, file, query string) {
	t.Helper()
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if _, err := db.ExecContext(t.Context(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// dataKeyRecord returns the stopped hub's record of its data key, "" when there is none.
func dataKeyRecord(t *testing.T, file string) string {
	t.Helper()
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var value string
	err = db.QueryRowContext(t.Context(), "SELECT value FROM hub_meta WHERE name = 'data-key'").Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return value
}
