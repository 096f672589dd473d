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

package diagnostics

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxGrep bounds the text a filter looks for.
const maxGrep = 1024

// Filter selects log lines.
type Filter struct {
	// Since selects lines at or after it; zero selects all.
	Since time.Time
	// Level selects lines of this level or more severe; empty selects all.
	Level string
	// Grep selects lines whose message, logger or fields contain it; empty selects all.
	Grep string
}

// ParseFilter reads since (a Go duration back from now, e.g. 1h), level and grep.
func ParseFilter(q url.Values, now time.Time) (Filter, error) {
	since, err := ParseSince(q.Get("since"), now)
	if err != nil {
		return Filter{}, err
	}
	f := Filter{Since: since, Level: q.Get("level"), Grep: q.Get("grep")}
	switch {
	case f.Level != "" && protocol.LogLevelRank(f.Level) < 0:
		return Filter{}, fmt.Errorf("level must be one of %v", protocol.LogLevels)
	case len(f.Grep) > maxGrep:
		return Filter{}, fmt.Errorf("grep must be at most %d bytes", maxGrep)
	}
	return f, nil
}

// ParseSince reads a positive Go duration back from now; empty is the zero time (all).
func ParseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return time.Time{}, errors.New("since must be a positive duration like 30m or 24h")
	}
	return now.Add(-d), nil
}

// Match reports whether f selects l.
func (f Filter) Match(l protocol.LogLine) bool {
	switch {
	case l.Time.Before(f.Since):
		return false
	case f.Level != "" && protocol.LogLevelRank(l.Level) < protocol.LogLevelRank(f.Level):
		return false
	case f.Grep == "":
		return true
	}
	return strings.Contains(l.Message, f.Grep) || strings.Contains(l.Logger, f.Grep) || strings.Contains(string(l.Fields), f.Grep)
}
