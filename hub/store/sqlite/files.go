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

package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// fileMode is the database's: it holds token hashes and sealed secrets, so only the hub's
// user may read it. SQLite creates the -wal and -shm files with the database file's mode.
// The directory is the hub's data directory, which the hub creates 0700 (pki, auth).
const fileMode os.FileMode = 0o600

// prepareFile creates the database file of dsn with an owner-only mode before SQLite opens
// it, and takes group and other permissions off an existing database and its -wal and -shm
// files. An in-memory DSN has no file; a missing directory is an error.
func prepareFile(dsn string) error {
	path := filePath(dsn)
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return fmt.Errorf("create the database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create the database file: %w", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := restrictMode(p); err != nil {
			return err
		}
	}
	return nil
}

// restrictMode takes group and other permissions off the file at path, if it exists.
func restrictMode(path string) error {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check the mode of %s: %w", path, err)
	}
	if perm := info.Mode().Perm(); perm&^fileMode != 0 {
		if err := os.Chmod(path, perm&fileMode); err != nil {
			return fmt.Errorf("restrict the mode of %s: %w", path, err)
		}
	}
	return nil
}

// filePath is the file of a DSN: a path or a "file:" URI; empty for an in-memory database.
func filePath(dsn string) string {
	p := strings.TrimPrefix(strings.TrimPrefix(dsn, "file://"), "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if p == "" || p == ":memory:" || strings.Contains(dsn, "mode=memory") {
		return ""
	}
	return p
}
