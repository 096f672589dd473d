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
	"context"
	"database/sql"
)

// InitMeta records value under name unless a value is there already, and returns the one
// held.
func (s *Store) InitMeta(ctx context.Context, name, value string) (string, error) {
	var held string
	err := s.write(ctx, "record "+name, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO hub_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, value); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT value FROM hub_meta WHERE name = ?", name).Scan(&held)
	})
	return held, err
}
