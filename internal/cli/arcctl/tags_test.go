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

package arcctl

import (
	"maps"
	"strings"
	"testing"
)

func TestParseTags(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    map[string]string
		wantErr string
	}{
		{in: "", want: map[string]string{}},
		{in: "env=prod", want: map[string]string{"env": "prod"}},
		{in: "env=prod, team = retail", want: map[string]string{"env": "prod", "team": "retail"}},
		{in: "empty=", want: map[string]string{"empty": ""}},
		{in: "url=a=b", want: map[string]string{"url": "a=b"}},
		{in: "env", wantErr: `"env" must be key=value`},
		{in: "=v", wantErr: "must be key=value"},
		{in: "a=1,a=2", wantErr: `tag "a" is given twice`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseTags(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseTags(%q) error = %v, want %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil || !maps.Equal(got, tc.want) || got == nil {
				t.Fatalf("parseTags(%q) = %v, %v, want %v", tc.in, got, err, tc.want)
			}
		})
	}
}
