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

package arcctl_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var (
	secretRE  = regexp.MustCompile(`(?m)^kubearc_\S+$`)
	tokenIDRE = regexp.MustCompile(`\(ID ([0-9a-f]+)\)`)
)

func TestTokens(t *testing.T) {
	h := startHub(t)
	h.createCluster(testGroup, "store-042")
	admin := newUser(t)
	admin.login(h, h.AdminToken)

	out := admin.mustRun("token", "create", "--name", "ci-reader", "--role", "Reader", "--scope", "/subscriptions/"+testSub, "--expires-in", "720h")
	secret, idMatch := secretRE.FindString(out), tokenIDRE.FindStringSubmatch(out)
	if secret == "" || idMatch == nil || !strings.Contains(out, "shown only now") ||
		!strings.Contains(out, "role Reader at scope /subscriptions/"+testSub) {
		t.Fatalf("token create printed no ID, secret or note:\n%s", out)
	}
	id := idMatch[1]

	wantLines(t, admin.mustRun("token", "list"), `^ID\s+NAME\s+ROLE\s+SCOPE\s+CREATED\s+EXPIRES$`,
		`^`+id+`\s+ci-reader\s+Reader\s+/subscriptions/`+testSub+`\s+\S+\s+\S+Z$`)
	if list := admin.mustRun("token", "list", "-o", "json"); strings.Contains(list, secret) || !strings.Contains(list, `"id": "`+id+`"`) {
		t.Errorf("token list -o json shows a secret or lacks the token:\n%s", list)
	}

	reader := newUser(t)
	reader.login(h, secret)
	reader.mustRun("connectedk8s", "show", "-n", "store-042", "-g", testGroup)
	wantFailure(t, reader.run("connectedk8s", "delete", "-n", "store-042", "-g", testGroup, "--yes"),
		"Error: (AuthorizationFailed) The client 'ci-reader' does not have authorization to perform action "+
			"'Microsoft.Kubernetes/connectedClusters/delete' over scope '"+clusterPath(testGroup, "store-042")+"'.")
	admin.mustRun("connectedk8s", "show", "-n", "store-042", "-g", testGroup) // still there
	wantFailure(t, reader.run("token", "list"), "Error: (AuthorizationFailed)")

	if out := admin.mustRun("token", "revoke", id); out != "Revoked token "+id+".\n" {
		t.Errorf("token revoke printed %q", out)
	}
	wantFailure(t, reader.run("connectedk8s", "show", "-n", "store-042", "-g", testGroup),
		"Error: (AuthenticationFailed)", "run 'arcctl login' with a valid token")
	if list := admin.mustRun("token", "list"); strings.Contains(list, id) {
		t.Errorf("the revoked token is still listed:\n%s", list)
	}
	wantFailure(t, admin.run("token", "revoke", id), "Error: (ResourceNotFound)")
}

func TestTokenCreateJSONAndErrors(t *testing.T) {
	h := startHub(t)
	admin := newUser(t)
	admin.login(h, h.AdminToken)

	var created map[string]any
	if err := json.Unmarshal([]byte(admin.mustRun("token", "create", "--name", "ops", "--role", "contributor", "-o", "json")), &created); err != nil {
		t.Fatal(err)
	}
	if tok, _ := created["token"].(string); !strings.HasPrefix(tok, "kubearc_") || created["role"] != "Contributor" || created["scope"] != "/" {
		t.Errorf("token create -o json = %v, want the secret, role Contributor, scope /", created)
	}
	wantFailure(t, admin.run("token", "create", "--name", "x", "--role", "Admin"), "Error: (InvalidParameter) The property 'role' is invalid")
	wantFailure(t, admin.run("token", "create", "--name", "x", "--role", "Reader", "--scope", "/nope"), "Error: (InvalidParameter) The property 'scope' is invalid")
	wantFailure(t, admin.run("token", "create", "--role", "Reader"), `Error: required flag(s) "name" not set`)
}
