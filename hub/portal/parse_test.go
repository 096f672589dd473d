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

package portal

import (
	"maps"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func TestKeyValues(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       map[string]string
		wantErr    string
	}{
		{name: "empty", text: "", want: map[string]string{}},
		{name: "lines", text: "a=1\r\n\n b = x=y \n", want: map[string]string{"a": "1", "b": " x=y "}},
		{name: "empty value", text: "a=", want: map[string]string{"a": ""}},
		{name: "no equals sign", text: "a=1\nsecret-value", wantErr: "Settings: line 2 is not key=value"},
		{name: "no key", text: "=secret-value", wantErr: "line 1 is not key=value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := keyValues("Settings", tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "secret-value") {
					t.Fatalf("error %v, want %q without the value", err, tc.wantErr)
				}
				return
			}
			if err != nil || !maps.Equal(got, tc.want) {
				t.Fatalf("got %v %v, want %v", got, err, tc.want)
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/portal/clusters/s/g/c": "/portal/clusters/s/g/c",
		"/portal/?q=a":           "/portal/?q=a",
		"https://evil.example/":  Prefix,
		"//evil.example/portal/": Prefix,
		"/portal/events?u=x":     Prefix,
		"/other":                 Prefix,
		"/portal/\\evil":         Prefix,
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestVersionSortKey(t *testing.T) {
	rt := func(v string) store.Runtime {
		return store.Runtime{Heartbeat: protocol.Heartbeat{KubernetesVersion: v}}
	}
	if a, b := byVersion(nil, rt("v1.9.3"), ""), byVersion(nil, rt("v1.10.0"), ""); a >= b {
		t.Errorf("1.9.3 (%q) sorts after 1.10.0 (%q)", a, b)
	}
	if a, b := byVersion(nil, rt("v1.37.2+k3s1"), ""), byVersion(nil, rt("v1.37.10"), ""); a >= b {
		t.Errorf("1.37.2+k3s1 (%q) sorts after 1.37.10 (%q)", a, b)
	}
}

func TestLivePageAcceptsPortalPagesOnly(t *testing.T) {
	for u, want := range map[string]bool{
		"/portal/": true, "/portal/?group=a": true, "/portal/clusters/s/g/c": true,
		"/portal/events": false, "https://evil.example/portal/": false, "/subscriptions/s": false, "/portal/signin": false,
	} {
		if _, ok := livePage(u); ok != want {
			t.Errorf("livePage(%q) = %v, want %v", u, ok, want)
		}
	}
}
