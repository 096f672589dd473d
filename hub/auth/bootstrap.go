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

package auth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// AdminTokenFile is the name of the first Owner token's secret in the hub's data directory.
const AdminTokenFile = "admin.token"

// EnsureAdminToken creates, on the hub's first start, an Owner token named "admin" at scope
// "/" and writes its secret (alone, without a newline) to dir/admin.token with mode 0600.
// When the file exists it does nothing. It returns the file's path.
//
// The token is stored before the file is written: a failure in between leaves an unusable
// token in the store and no file, so the next start tries again.
func EnsureAdminToken(ctx context.Context, st store.Store, dir string, now time.Time) (path string, err error) {
	path = filepath.Join(dir, AdminTokenFile)
	if _, err := os.Lstat(path); err == nil {
		return path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("check admin token file: %w", err)
	}
	secret, t, err := NewToken("admin", Owner, RootScope, 0, now)
	if err != nil {
		return "", fmt.Errorf("create admin token: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create data directory: %w", err)
	}
	if err := st.CreateToken(ctx, t); err != nil {
		return "", fmt.Errorf("store admin token: %w", err)
	}
	if err := writeSecretFile(path, []byte(secret)); err != nil {
		return "", fmt.Errorf("write admin token: %w", err)
	}
	return path, nil
}

// writeSecretFile writes data readable by the owner only, through a temporary file and a
// rename, so the file is either absent or complete.
func writeSecretFile(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes the file 0600 already; Chmod keeps that true whatever the platform.
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("set mode: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename into place: %w", err)
	}
	return nil
}
