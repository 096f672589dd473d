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

package policyinsights

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Query holds the OData options of a request.
type Query struct {
	// Filter is the $filter, compiled against the fields of the kind of state queried.
	Filter string
	// Top caps the number of states (of policy assignments for a summary); 0 is no cap.
	Top int
	// OrderBy is the $orderby.
	OrderBy string
	// From and To keep the states whose timestamp is in [From, To]; zero is no bound.
	From, To time.Time
	// Skip is where a page starts, from the $skiptoken of the previous page's nextLink.
	Skip int
}

// supportedOptions says which query options the hub answers, for error messages.
const supportedOptions = "$filter, $top, $orderby, $from, $to and $skiptoken"

// ParseQuery reads the OData options of a request's query string. Option names are matched
// without regard to case; $apply, $select and $expand are refused.
func ParseQuery(values url.Values) (Query, error) {
	opts := map[string]string{}
	for k, v := range values {
		if strings.HasPrefix(k, "$") && len(v) > 0 {
			opts[strings.ToLower(k)] = v[0]
		}
	}
	for _, o := range []string{"$apply", "$select", "$expand"} {
		if _, ok := opts[o]; ok {
			return Query{}, queryError("The query option %s is not supported; the hub answers %s.", o, supportedOptions)
		}
	}
	q := Query{Filter: opts["$filter"], OrderBy: opts["$orderby"]}
	var err error
	if q.Top, err = count(opts, "$top", 1); err != nil {
		return Query{}, err
	}
	if q.Skip, err = count(opts, "$skiptoken", 0); err != nil {
		return Query{}, err
	}
	if q.From, err = instant(opts, "$from"); err != nil {
		return Query{}, err
	}
	if q.To, err = instant(opts, "$to"); err != nil {
		return Query{}, err
	}
	return q, nil
}

// count reads a whole number of at least low; 0 when absent.
func count(opts map[string]string, name string, low int) (int, error) {
	s, ok := opts[name]
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < low {
		return 0, queryError("The query option %s must be a whole number of at least %d, not '%s'.", name, low, excerpt(s))
	}
	return n, nil
}

// instant reads an RFC 3339 time; zero when absent.
func instant(opts map[string]string, name string) (time.Time, error) {
	s, ok := opts[name]
	if !ok {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, queryError("The query option %s must be a time in RFC 3339 form such as 2026-01-02T15:04:05Z, not '%s'.", name, excerpt(s))
	}
	return t, nil
}

// inTime reports whether t is in the query's [From, To].
func (q *Query) inTime(t time.Time) bool {
	return (q.From.IsZero() || !t.Before(q.From)) && (q.To.IsZero() || !t.After(q.To))
}

// limit is how many of n states the query returns.
func (q *Query) limit(n int) int {
	if q.Top > 0 && q.Top < n {
		return q.Top
	}
	return n
}

// page returns the page of the query's states that starts at Skip, at most size long, and
// the $skiptoken of the next page ("" for the last).
func page[T any](all []T, q *Query, size int) ([]T, string) {
	end := q.limit(len(all))
	start := min(q.Skip, end)
	stop := min(start+size, end)
	if stop < end {
		return all[start:stop], strconv.Itoa(stop)
	}
	return all[start:stop], ""
}

// maxQuoteBytes is how much of a user's input an error message quotes.
const maxQuoteBytes = 100

// excerpt returns s, or its first maxQuoteBytes bytes (cut at a character boundary) and an
// ellipsis when it is longer, for quoting user input in an error message.
func excerpt(s string) string {
	if len(s) <= maxQuoteBytes {
		return s
	}
	cut := maxQuoteBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
