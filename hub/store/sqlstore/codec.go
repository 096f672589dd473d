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

package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// TimeLayout stores times as UTC text of fixed width, so SQL compares them as strings and
// they keep nanoseconds.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// FormatTime is t in UTC as text of fixed width; nil (NULL) for the zero time.
func FormatTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(TimeLayout)
}

// ParseTime reads a time FormatTime wrote; valid false (NULL) is the zero time.
func ParseTime(s string, valid bool) (time.Time, error) {
	if !valid {
		return time.Time{}, nil
	}
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// RawJSON is a stored JSON document; nil for none, so encoding/json writes null or omits it.
func RawJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// ParseRV reads a resourceVersion; "" is 0.
func ParseRV(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	rv, err := strconv.ParseInt(s, 10, 64)
	if err != nil || rv < 0 || s[0] < '0' || s[0] > '9' {
		return 0, fmt.Errorf("resourceVersion %q is not a non-negative decimal number", s)
	}
	return rv, nil
}

// FormatRV is the resourceVersion of the counter value rv.
func FormatRV(rv int64) string { return strconv.FormatInt(rv, 10) }
