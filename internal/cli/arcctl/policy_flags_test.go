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
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestPolicyDefinitionCreateFlags(t *testing.T) {
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "rules.json")
	if err := os.WriteFile(rulesFile, []byte(`{"if": {"field": "type"}, "then": {"effect": "audit"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	const rules = `{"if":{"field":"type"},"then":{"effect":"audit"}}`
	const rule = `"policyRule":{"if":{"field":"type"},"then":{"effect":"audit"}},"policyType":"Custom"`
	for _, tc := range []struct {
		name    string
		args    string
		want    string
		wantErr string
	}{
		{name: "rules inline, the Kubernetes mode", args: "-n d --rules " + rules,
			want: `{"properties":{"mode":"Microsoft.Kubernetes.Data",` + rule + `}}`},
		{name: "rules from @FILE", args: "-n d --rules @" + rulesFile,
			want: `{"properties":{"mode":"Microsoft.Kubernetes.Data",` + rule + `}}`},
		{name: "rules from a path", args: "-n d --rules " + rulesFile,
			want: `{"properties":{"mode":"Microsoft.Kubernetes.Data",` + rule + `}}`},
		{name: "everything", args: "-n d --rules " + rules + " -m All --display-name Labels --description Why " +
			`--params {"labels":{"type":"Array","defaultValue":["a"]}} --metadata category=Kubernetes version=1.0.0`,
			want: `{"properties":{"description":"Why","displayName":"Labels","metadata":{"category":"Kubernetes","version":"1.0.0"},` +
				`"mode":"All","parameters":{"labels":{"defaultValue":["a"],"type":"Array"}},` + rule + `}}`},
		{name: "rules that are not a rule", args: `-n d --rules {"effect":"audit"}`,
			wantErr: `--rules must be a policy rule, {"if": …, "then": {"effect": …, "details": …}}`},
		{name: "rules that are not JSON", args: "-n d --rules {if", wantErr: "--rules must be a JSON object, @FILE or the path of a JSON file"},
		{name: "rules that are a list", args: "-n d --rules [1]", wantErr: "--rules must be a JSON object"},
		{name: "rules from a missing file", args: "-n d --rules " + filepath.Join(dir, "nope.json"), wantErr: "is neither JSON nor a file"},
		{name: "rules from a missing @FILE", args: "-n d --rules @" + filepath.Join(dir, "nope.json"), wantErr: "--rules: open "},
		{name: "a parameter without a type", args: "-n d --rules " + rules + ` --params {"labels":{"defaultValue":[]}}`,
			wantErr: `--params: "labels" has no "type"; give it like {"type": "Array"`},
		{name: "a parameter that is not an object", args: "-n d --rules " + rules + ` --params {"labels":"Array"}`,
			wantErr: `--params: "labels" is not a JSON object`},
		{name: "metadata without a key", args: "-n d --rules " + rules + " --metadata =x", wantErr: "usage: --metadata KEY=VALUE"},
		{name: "no rules", args: "-n d", wantErr: `required flag(s) "rules" not set`},
		{name: "an empty name", args: "--name= --rules " + rules, wantErr: "--name must not be empty"},
		{name: "a stray argument", args: "-n d --rules " + rules + " extra", wantErr: `unexpected argument "extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &definitionCreateOptions{metadata: pairsFlag{name: flagMetadata}}
			var built any
			cmd := newDefinitionCreateCommand(o, func(*cobra.Command) error {
				body, err := definitionBody(o)
				built = body
				return err
			})
			got, err := runFlags(t, cmd, func() any { return built }, tc.args)
			checkFlags(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func TestPolicyAssignmentCreateFlags(t *testing.T) {
	const sub = "/subscriptions/s1"
	for _, tc := range []struct {
		name    string
		args    string
		want    string
		wantErr string
	}{
		{name: "the defaults", args: "-n a --policy p", want: `{"properties":{"enforcementMode":"Default"}}`},
		{name: "everything", args: "-n a --policy p --enforcement-mode donotenforce --display-name D --description Why " +
			`-p {"labels":{"value":["team"]},"effect":{"value":"deny"}} --not-scopes ` + sub + "/resourceGroups/lab " + sub + "/resourceGroups/ci",
			want: `{"properties":{"description":"Why","displayName":"D","enforcementMode":"DoNotEnforce",` +
				`"notScopes":["/subscriptions/s1/resourceGroups/lab","/subscriptions/s1/resourceGroups/ci"],` +
				`"parameters":{"effect":{"value":"deny"},"labels":{"value":["team"]}}}}`},
		{name: "not-scopes repeated", args: "-n a --policy p --not-scopes " + sub + "/resourceGroups/lab --not-scopes=" + sub + "/resourceGroups/ci",
			want: `{"properties":{"enforcementMode":"Default","notScopes":["/subscriptions/s1/resourceGroups/lab","/subscriptions/s1/resourceGroups/ci"]}}`},
		{name: "a not-scope that is no scope", args: "-n a --policy p --not-scopes lab",
			wantErr: `--not-scopes "lab": must be the ID of a subscription`},
		{name: "an unknown enforcement mode", args: "-n a --policy p --enforcement-mode Enroll",
			wantErr: `--enforcement-mode "Enroll" is not one of Default or DoNotEnforce`},
		{name: "a parameter without a value", args: `-n a --policy p --params {"labels":["team"]}`,
			wantErr: `--params: "labels" is not a JSON object; give it like {"value": ["app"]}`},
		{name: "no policy", args: "-n a", wantErr: `required flag(s) "policy" not set`},
		{name: "scope and group", args: "-n a --policy p -g rg --scope " + sub,
			wantErr: "if any flags in the group [scope resource-group] are set none of the others can be"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &assignmentCreateOptions{}
			var built any
			cmd := newAssignmentCreateCommand(o, func(*cobra.Command) error {
				body, err := assignmentBody(o)
				built = body
				return err
			})
			got, err := runFlags(t, cmd, func() any { return built }, tc.args)
			checkFlags(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func TestPolicyNotScopesTakeSpaceSeparatedScopes(t *testing.T) {
	got, err := notScopesOf([]string{"/subscriptions/s1/resourceGroups/a  /subscriptions/s1/resourceGroups/b", "/subscriptions/s2"})
	if err != nil || len(got) != 3 || *got[1] != "/subscriptions/s1/resourceGroups/b" || *got[2] != "/subscriptions/s2" {
		t.Fatalf("notScopesOf = %v, %v; want the three scopes", got, err)
	}
}

func TestPolicyParseScope(t *testing.T) {
	const cluster = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1"
	for _, tc := range []struct {
		scope, wantSub, wantErr string
	}{
		{scope: "/subscriptions/s1", wantSub: "s1"},
		{scope: "/subscriptions/s1/", wantSub: "s1"},
		{scope: "/subscriptions/s1/resourceGroups/rg", wantSub: "s1"},
		{scope: "/SUBSCRIPTIONS/s1/resourcegroups/rg", wantSub: "s1"},
		{scope: cluster, wantSub: "s1"},
		{scope: "subscriptions/s1", wantErr: "must be the ID of a subscription"},
		{scope: "/providers/Microsoft.Management/managementGroups/mg", wantErr: "must be the ID of a subscription"},
		{scope: "/subscriptions/s1/resourceGroups", wantErr: "must be the ID of a subscription"},
		{scope: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", wantErr: "connectedClusters/{name}"},
		{scope: "/subscriptions/s_1", wantErr: `subscription "s_1" must be`},
		{scope: "/subscriptions/s1/resourceGroups/rg.", wantErr: `resource group "rg." must be`},
	} {
		t.Run(tc.scope, func(t *testing.T) {
			sub, err := parseScope("scope", tc.scope)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("--scope %q: ", tc.scope)) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseScope(%q) = %q, %v; want an error naming --scope with %q", tc.scope, sub, err, tc.wantErr)
				}
				return
			}
			if err != nil || sub != tc.wantSub {
				t.Fatalf("parseScope(%q) = %q, %v; want %q", tc.scope, sub, err, tc.wantSub)
			}
		})
	}
}

func TestPolicyStateScope(t *testing.T) {
	const sub = "/subscriptions/s1"
	const cluster = sub + "/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1"
	for _, tc := range []struct {
		name    string
		flags   stateFlags
		want    string
		wantErr string
	}{
		{name: "the subscription", want: sub},
		{name: "a resource group", flags: stateFlags{group: "rg"}, want: sub + "/resourceGroups/rg"},
		{name: "a cluster by name", flags: stateFlags{group: "rg", resource: "c1"}, want: cluster},
		{name: "a cluster by ID", flags: stateFlags{resource: cluster}, want: cluster},
		{name: "an assignment of the subscription", flags: stateFlags{assignment: "a1"},
			want: sub + "/providers/Microsoft.Authorization/policyAssignments/a1"},
		{name: "an assignment of a resource group", flags: stateFlags{assignment: "a1", group: "rg"},
			want: sub + "/resourceGroups/rg/providers/Microsoft.Authorization/policyAssignments/a1"},
		{name: "an assignment by ID", flags: stateFlags{assignment: sub + "/providers/Microsoft.Authorization/policyAssignments/a1"},
			want: sub + "/providers/Microsoft.Authorization/policyAssignments/a1"},
		{name: "a cluster name without a group", flags: stateFlags{resource: "c1"},
			wantErr: `--resource "c1" is a name: give its resource group with -g, or give its ID`},
		{name: "a resource ID that is no cluster", flags: stateFlags{resource: sub + "/resourceGroups/rg"}, wantErr: "--resource: resource ID"},
		{name: "an ID that is no assignment", flags: stateFlags{assignment: sub}, wantErr: "--policy-assignment \"/subscriptions/s1\" is not a policy assignment ID"},
		{name: "a bad group", flags: stateFlags{group: "rg."}, wantErr: "--resource-group: resource group"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.flags.scope("s1")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("scope = %q, %v; want an error with %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("scope = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestPolicySpreadValues(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{in: "--not-scopes a b c -n x", want: "--not-scopes a --not-scopes b --not-scopes c -n x"},
		{in: "--not-scopes=a b --not-scopes c", want: "--not-scopes=a --not-scopes b --not-scopes c"},
		{in: "-n x --not-scopes", want: "-n x --not-scopes"},
		{in: "--not-scopes a -- b", want: "--not-scopes a -- b"},
		{in: "--not-scopes-x a b", want: "--not-scopes-x a b"},
	} {
		if got := strings.Join(spreadValues(strings.Fields(tc.in), flagNotScopes), " "); got != tc.want {
			t.Errorf("spreadValues(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
