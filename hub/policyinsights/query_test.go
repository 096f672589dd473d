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
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseQuery(t *testing.T) {
	q, err := ParseQuery(url.Values{"$filter": {"complianceState eq 'NonCompliant'"}, "$TOP": {"5"}, "$orderby": {"timestamp"},
		"$from": {"2026-11-23T10:00:00Z"}, "$to": {"2026-11-24T10:00:00.5Z"}, "$skipToken": {"4"}, "api-version": {"2024-10-01"}})
	want := Query{Filter: "complianceState eq 'NonCompliant'", Top: 5, OrderBy: "timestamp", Skip: 4,
		From: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 24, 10, 0, 0, 5e8, time.UTC)}
	if err != nil || q != want {
		t.Errorf("ParseQuery = %+v, %v; want %+v", q, err, want)
	}
	if q, err := ParseQuery(url.Values{}); err != nil || q != (Query{}) {
		t.Errorf("no options: %+v, %v", q, err)
	}
}

func TestParseQueryRefuses(t *testing.T) {
	for _, tt := range []struct {
		values url.Values
		why    string
	}{
		{url.Values{"$top": {"0"}}, "$top must be a whole number of at least 1, not '0'"},
		{url.Values{"$top": {"ten"}}, "$top must be a whole number"},
		{url.Values{"$skiptoken": {"-1"}}, "$skiptoken must be a whole number of at least 0"},
		{url.Values{"$from": {"yesterday"}}, "$from must be a time in RFC 3339 form"},
		{url.Values{"$to": {"2026-11-23"}}, "$to must be a time in RFC 3339 form"},
		{url.Values{"$apply": {"groupby((ResourceId))"}}, "$apply is not supported; the hub answers $filter, $top, $orderby, $from, $to and $skiptoken"},
		{url.Values{"$Select": {"ResourceId"}}, "$select is not supported"},
		{url.Values{"$expand": {"PolicyEvaluationDetails"}}, "$expand is not supported"},
		{url.Values{"$top": {strings.Repeat("9x", 5000)}}, "$top must be a whole number of at least 1, not '9x9x"},
	} {
		_, err := ParseQuery(tt.values)
		var qe *QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), tt.why) {
			t.Errorf("%.80v: %v, want a QueryError saying %q", tt.values, err, tt.why)
		}
		if len(err.Error()) > 1000 {
			t.Errorf("%.80v: the error is %d bytes long, want the input quoted in part", tt.values, len(err.Error()))
		}
	}
}

func TestPage(t *testing.T) {
	all := []int{0, 1, 2, 3, 4}
	for _, tt := range []struct {
		top, skip, size int
		want            []int
		next            string
	}{
		{0, 0, 2, []int{0, 1}, "2"},
		{0, 2, 2, []int{2, 3}, "4"},
		{0, 4, 2, []int{4}, ""},
		{0, 9, 2, []int{}, ""},
		{3, 0, 2, []int{0, 1}, "2"},
		{3, 2, 2, []int{2}, ""},
		{1, 0, 100, []int{0}, ""},
	} {
		q := Query{Top: tt.top, Skip: tt.skip}
		got, next := page(all, &q, tt.size)
		if !slices.Equal(got, tt.want) || next != tt.next {
			t.Errorf("top %d skip %d size %d: %v %q, want %v %q", tt.top, tt.skip, tt.size, got, next, tt.want, tt.next)
		}
	}
}

func TestOrderBy(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	stamp := func(r row) time.Time { d, _ := time.ParseDuration(r["age"]); return t0.Add(-d) }
	rows := []row{
		{"complianceState": "Compliant", "policyAssignmentId": "b", "age": "1h"},
		{"complianceState": "nonCompliant", "policyAssignmentId": "a", "age": "3h"},
		{"complianceState": "Compliant", "policyAssignmentId": "c", "age": "2h"},
	}
	ids := func(rs []row) string {
		var s string
		for _, r := range rs {
			s += r["policyAssignmentId"]
		}
		return s
	}
	for _, tt := range []struct{ orderBy, want string }{
		{"", "bac"},
		{"timestamp", "bca"},
		{"Timestamp asc", "acb"},
		{"complianceState asc, timestamp asc", "cba"},
		{"ComplianceState", "abc"},
	} {
		keys, err := parseOrderBy(tt.orderBy, testFields, stamp)
		if err != nil {
			t.Fatalf("%q: %v", tt.orderBy, err)
		}
		got := slices.Clone(rows)
		sortBy(got, keys)
		if ids(got) != tt.want {
			t.Errorf("%q ordered %s, want %s", tt.orderBy, ids(got), tt.want)
		}
	}
	for _, bad := range []string{"owner", "timestamp up", "timestamp desc extra", "timestamp,", ","} {
		if _, err := parseOrderBy(bad, testFields, stamp); err == nil || !strings.Contains(err.Error(), "among Timestamp, complianceState, isCompliant, policyAssignmentId") {
			t.Errorf("%q: %v, want a QueryError naming the fields", bad, err)
		}
	}
}
