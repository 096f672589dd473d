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

package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// timeLayout stores times as UTC text of fixed width, so SQL compares them as strings and
// they keep nanoseconds, as in the SQLite store.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// formatTime is t in UTC as timeLayout; NULL for the zero time.
func formatTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// parseTime reads a time formatTime wrote; NULL is the zero time.
func parseTime(s *string) (time.Time, error) {
	if s == nil {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, *s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", *s, err)
	}
	return t.UTC(), nil
}

// queryAll runs query in tx and scans every row it returns with scan.
func queryAll[T any](ctx context.Context, tx pgx.Tx, scan func(pgx.Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// rawJSON is a stored JSON document; nil for none, so encoding/json writes null or omits it.
func rawJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// parseRV reads a resourceVersion; empty is 0.
func parseRV(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	rv, err := strconv.ParseInt(s, 10, 64)
	if err != nil || rv < 0 || s[0] < '0' || s[0] > '9' {
		return 0, fmt.Errorf("resourceVersion %q is not a non-negative decimal number", s)
	}
	return rv, nil
}

func formatRV(rv int64) string { return strconv.FormatInt(rv, 10) }
