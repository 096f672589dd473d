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

// Package store is the hub's persistence: one interface, with SQLite (package
// store/sqlite) as the embedded default and room for PostgreSQL for several hub replicas.
//
// ARM resources are stored generically, as JSON documents keyed by their case-folded ARM ID,
// so every resource provider (connectedClusters, extensions, fluxConfigurations, …) shares one
// table. Beside them the store keeps each cluster's desired state for the agent (a versioned
// set of objects, watched by resourceVersion), what the agent reported (runtime and statuses)
// and the users' API tokens.
package sqlstore

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadMigrations(t *testing.T) {
	file := func(sql string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(sql)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int
		wantErr string
	}{
		{"in order", fstest.MapFS{"migrations/0002_b.sql": file("B"), "migrations/0001_a.sql": file("A")}, []int{1, 2}, ""},
		{"gap", fstest.MapFS{"migrations/0001_a.sql": file("A"), "migrations/0003_c.sql": file("C")}, nil, "without gaps"},
		{"duplicate", fstest.MapFS{"migrations/0001_a.sql": file("A"), "migrations/0001_b.sql": file("B")}, nil, "without gaps"},
		{"no number", fstest.MapFS{"migrations/init.sql": file("A")}, nil, "positive number"},
		{"none", fstest.MapFS{}, nil, "no migrations"},
	}
	for _, tt := range tests {
		got, err := LoadMigrations(tt.fsys)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: LoadMigrations = %v, want an error containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		var versions []int
		for _, m := range got {
			versions = append(versions, m.Version)
		}
		if err != nil || !slices.Equal(versions, tt.want) {
			t.Errorf("%s: LoadMigrations = %v, %v; want versions %v", tt.name, versions, err, tt.want)
		}
	}
}

func TestPending(t *testing.T) {
	migrations := []Migration{{Version: 1, Name: "0001_a.sql"}, {Version: 2, Name: "0002_b.sql"}}
	for current, want := range map[int][]int{0: {1, 2}, 1: {2}, 2: nil} {
		got, err := Pending(migrations, current)
		var versions []int
		for _, m := range got {
			versions = append(versions, m.Version)
		}
		if err != nil || !slices.Equal(versions, want) {
			t.Errorf("Pending at version %d = %v, %v; want %v", current, versions, err, want)
		}
	}
	if _, err := Pending(migrations, 3); err == nil || !strings.Contains(err.Error(), "schema version 3 is newer than this kubearc-hub knows (2)") {
		t.Errorf("Pending at version 3 = %v, want an error naming schema versions 3 and 2", err)
	}
}
