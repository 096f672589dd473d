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
	"testing"
	"time"
)

func TestTimeRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 6, 19, 50, 1, 5, time.FixedZone("CET", 3600))
	stored, ok := FormatTime(at).(string)
	if !ok || stored != "2026-12-06T18:50:01.000000005Z" {
		t.Fatalf("FormatTime(%v) = %v, want UTC text with nanoseconds", at, FormatTime(at))
	}
	if got, err := ParseTime(stored, true); err != nil || !got.Equal(at) || got.Location() != time.UTC {
		t.Errorf("ParseTime(%q) = %v, %v; want %v in UTC", stored, got, err, at)
	}
	if FormatTime(time.Time{}) != nil {
		t.Errorf("FormatTime(zero) = %v, want nil (NULL)", FormatTime(time.Time{}))
	}
	if got, err := ParseTime("", false); err != nil || !got.IsZero() {
		t.Errorf("ParseTime(NULL) = %v, %v; want the zero time", got, err)
	}
	if _, err := ParseTime("yesterday", true); err == nil {
		t.Error("ParseTime(\"yesterday\") = nil error, want one")
	}
}

func TestParseRV(t *testing.T) {
	for s, want := range map[string]int64{"": 0, "0": 0, "42": 42} {
		if got, err := ParseRV(s); err != nil || got != want || (s != "" && FormatRV(got) != s) {
			t.Errorf("ParseRV(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"-1", "+1", "x", "1.5"} {
		if _, err := ParseRV(s); err == nil {
			t.Errorf("ParseRV(%q) = nil error, want one", s)
		}
	}
}
