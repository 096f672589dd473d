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

package workspaces

import (
	"strings"
	"testing"
)

func TestValidateProperties(t *testing.T) {
	token := func(s string) *string { return &s }
	tests := []struct {
		name, otlp, remoteWrite string
		token                   *string
		want                    string // "" accepts
	}{
		{"https", "https://otlp.example.com:4318/v1", "", nil, ""},
		{"with remote write and token", "https://otlp.example.com", "https://prom.example.com/api/v1/write", token("abc.DEF-123"), ""},
		{"http to 127.0.0.1", "http://127.0.0.1:4318", "", nil, ""},
		{"http to ::1", "http://[::1]:4318", "http://localhost:9090/write", nil, ""},
		{"empty token removes", "https://otlp.example.com", "", token(""), ""},
		{"missing", "", "", nil, "'properties.otlpEndpoint' is required"},
		{"http elsewhere", "http://otlp.example.com", "", nil, "loopback host only"},
		{"http to a private address", "http://10.0.0.1:4318", "", nil, "loopback host only"},
		{"other scheme", "grpc://otlp.example.com", "", nil, "must use https://, not 'grpc'"},
		{"relative", "/v1/logs", "", nil, "absolute https:// URL"},
		{"host only", "otlp.example.com", "", nil, "absolute https:// URL"},
		{"user info", "https://user:pw@otlp.example.com", "", nil, "must not hold user information"},
		{"bad remote write", "https://otlp.example.com", "http://prom.example.com", nil, "'properties.prometheusRemoteWriteUrl' must use https://"},
		{"token with a space", "https://otlp.example.com", "", token("a b"), "printable ASCII"},
		{"token too long", "https://otlp.example.com", "", token(strings.Repeat("a", maxTokenLength+1)), "longer than 8192"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateProperties(tt.otlp, tt.remoteWrite, tt.token)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			case tt.token != nil && *tt.token != "" && err != nil && strings.Contains(err.Error(), *tt.token):
				t.Fatalf("the error quotes the token: %v", err)
			}
		})
	}
}

func TestValidateName(t *testing.T) {
	for name, ok := range map[string]bool{"logs-eu": true, "abcd": true, "abc": false, "-logs": false, "logs-": false,
		"logs_eu": false, strings.Repeat("a", 63): true, strings.Repeat("a", 64): false} {
		if err := ValidateName(name); (err == nil) != ok {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestCheckID(t *testing.T) {
	const good = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs-eu"
	tests := []struct{ id, want string }{
		{good, ""},
		{strings.ToLower(good), ""},
		{"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1", "not of that shape"},
		{good + "/extra", "not of that shape"},
		{"logs-eu", "not of that shape"},
		{strings.Replace(good, "rg", "r g", 1), "resource group"},
		{strings.Replace(good, "logs-eu", "x", 1), "4 to 63"},
	}
	for _, tt := range tests {
		err := checkID(tt.id)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("checkID(%q) = %v, want %q", tt.id, err, tt.want)
		}
	}
}
