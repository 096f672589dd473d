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
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Built-in definitions of the hub: Azure's names.
const (
	builtinPodLabels    = "46592696-4c7b-4bf3-9e45-6c2763bdc0a6"
	builtinNoPrivileged = "95edb821-ddaf-4404-9732-666045e056b4"
)

// requiredLabelsTemplate is a Gatekeeper ConstraintTemplate requiring the labels of its
// parameter labels.
const requiredLabelsTemplate = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabels
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredLabels
      validation:
        openAPIV3Schema:
          type: object
          properties:
            labels:
              type: array
              items:
                type: string
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredlabels
        violation[{"msg": msg}] {
          provided := {l | input.review.object.metadata.labels[l]}
          required := {l | l := input.parameters.labels[_]}
          missing := required - provided
          count(missing) > 0
          msg := sprintf("missing labels %v", [missing])
        }
`

// labelsParams are the parameter definitions of the required-labels definition.
const labelsParams = `{"effect": {"type": "String", "defaultValue": "audit", "allowedValues": ["audit", "deny", "disabled"]},
 "labels": {"type": "Array", "metadata": {"displayName": "Labels"}}}`

// labelsRules is a Kubernetes policy rule on namespaces whose template is template, inline.
func labelsRules(template string) string {
	return `{"if": {"field": "type", "in": ["Microsoft.Kubernetes/connectedClusters"]},
 "then": {"effect": "[parameters('effect')]", "details": {
   "templateInfo": {"sourceType": "Base64Encoded", "content": "` + base64.StdEncoding.EncodeToString([]byte(template)) + `"},
   "apiGroups": [""], "kinds": ["Namespace"], "excludedNamespaces": ["kube-system"],
   "values": {"labels": "[parameters('labels')]"}}}}`
}

// createLabelsDefinition creates the custom definition ns-labels from files.
func createLabelsDefinition(t *testing.T, u *user) string {
	t.Helper()
	return u.mustRun("policy", "definition", "create", "-n", "ns-labels", "--rules", writeFile(t, "rules.json", labelsRules(requiredLabelsTemplate)),
		"--params", "@"+writeFile(t, "params.json", labelsParams), "--display-name", "Namespaces need labels",
		"--metadata", "category=Kubernetes", "version=1.0.0")
}

// decodeJSON decodes arcctl's -o json output.
func decodeJSON[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("the output is not JSON: %v\n%s", err, out)
	}
	return v
}

func TestPolicyDefinitions(t *testing.T) {
	h := startHub(t)
	u := newUser(t)
	u.login(h, h.AdminToken)

	wantLines(t, createLabelsDefinition(t, u), `^Name:\s+ns-labels$`, `^Policy type:\s+Custom$`, `^Mode:\s+Microsoft\.Kubernetes\.Data$`,
		`^Display name:\s+Namespaces need labels$`, `^Effect:\s+\[parameters\('effect'\)\]$`, `^Template:\s+Base64Encoded \(\d+ characters\)$`,
		`^Kinds:\s+\["Namespace"\]$`, `^Metadata:\s+category=Kubernetes, version=1\.0\.0$`,
		`^Parameter:\s+effect \(String\) default audit allowed audit, deny, disabled$`, `^Parameter:\s+labels \(Array\)$`)

	wantLines(t, u.mustRun("policy", "definition", "list"), `^NAME\s+TYPE\s+MODE\s+DISPLAY NAME$`,
		`^ns-labels\s+Custom\s+Microsoft\.Kubernetes\.Data\s+Namespaces need labels$`,
		`^`+builtinPodLabels+`\s+BuiltIn\s+Microsoft\.Kubernetes\.Data\s+Kubernetes cluster pods should use specified labels$`,
		`^`+builtinNoPrivileged+`\s+BuiltIn\s+`)
	listed := decodeJSON[[]map[string]any](t, u.mustRun("policy", "definition", "list", "-o", "json"))
	seen := map[string]int{}
	for _, d := range listed {
		seen[strings.ToLower(d["id"].(string))]++
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("definition list shows %s %d times", id, n)
		}
	}
	if seen["/subscriptions/"+testSub+"/providers/microsoft.authorization/policydefinitions/ns-labels"] != 1 ||
		seen["/providers/microsoft.authorization/policydefinitions/"+builtinPodLabels] != 1 {
		t.Errorf("definition list -o json = %v, want ns-labels and the built-ins", seen)
	}

	wantLines(t, u.mustRun("policy", "definition", "show", "-n", builtinPodLabels), `^Policy type:\s+BuiltIn$`,
		`^ID:\s+/providers/Microsoft\.Authorization/policyDefinitions/`+builtinPodLabels+`$`, `^Template:\s+Base64Encoded`,
		`^Parameter:\s+labelsList \(Array\)$`)
	shown := decodeJSON[map[string]any](t, u.mustRun("policy", "definition", "show", "-n", "ns-labels", "-o", "json"))
	if props, _ := shown["properties"].(map[string]any); props["policyType"] != "Custom" || props["mode"] != "Microsoft.Kubernetes.Data" {
		t.Errorf("definition show -o json = %v", shown)
	}

	wantLines(t, u.mustRun("policy", "definition", "delete", "-n", "ns-labels"),
		`^Deleted policy definition 'ns-labels' of subscription '`+testSub+`'\.$`)
	wantLines(t, u.mustRun("policy", "definition", "delete", "-n", "ns-labels"),
		`^Policy definition 'ns-labels' of subscription '`+testSub+`' does not exist; nothing to delete\.$`)
	wantFailure(t, u.run("policy", "definition", "show", "-n", "ns-labels"), "Error: (")
}

func TestPolicyAssignments(t *testing.T) {
	h := startHub(t)
	h.createCluster(testGroup, "store-042")
	u := newUser(t)
	u.login(h, h.AdminToken)
	createLabelsDefinition(t, u)
	sub := "/subscriptions/" + testSub
	group := sub + "/resourceGroups/" + testGroup
	cluster := clusterPath(testGroup, "store-042")
	q := regexp.QuoteMeta

	r := u.mustRun("policy", "assignment", "create", "-n", "labels", "--policy", "ns-labels", "--display-name", "Team labels",
		"--params", `{"labels": {"value": ["team"]}, "effect": {"value": "deny"}}`,
		"--not-scopes", sub+"/resourceGroups/lab", sub+"/resourceGroups/ci")
	wantLines(t, r, `^Name:\s+labels$`, `^Scope:\s+`+q(sub)+`$`, `^Policy:\s+`+q(sub)+`/providers/Microsoft\.Authorization/policyDefinitions/ns-labels$`,
		`^Display name:\s+Team labels$`, `^Enforcement mode:\s+Default$`,
		`^Not scopes:\s+`+q(sub+"/resourceGroups/lab, "+sub+"/resourceGroups/ci")+`$`,
		`^Parameter:\s+effect = deny$`, `^Parameter:\s+labels = \["team"\]$`)
	r = u.mustRun("policy", "assignment", "create", "-n", "privileged", "--policy", builtinNoPrivileged, "-g", testGroup,
		"--enforcement-mode", "DoNotEnforce")
	wantLines(t, r, `^Scope:\s+`+q(group)+`$`, `^Policy:\s+/providers/Microsoft\.Authorization/policyDefinitions/`+builtinNoPrivileged+`$`,
		`^Enforcement mode:\s+DoNotEnforce$`)
	r = u.mustRun("policy", "assignment", "create", "-n", "labels", "--scope", cluster,
		"--policy", sub+"/providers/Microsoft.Authorization/policyDefinitions/ns-labels", "-p", `{"labels":{"value":["app"]}}`)
	wantLines(t, r, `^Scope:\s+`+q(cluster)+`$`, `^Parameter:\s+labels = \["app"\]$`)

	shown := decodeJSON[map[string]any](t, u.mustRun("policy", "assignment", "show", "-n", "privileged", "-g", testGroup, "-o", "json"))
	if props, _ := shown["properties"].(map[string]any); props["enforcementMode"] != "DoNotEnforce" ||
		props["policyDefinitionId"] != "/providers/Microsoft.Authorization/policyDefinitions/"+builtinNoPrivileged {
		t.Errorf("assignment show -o json = %v", shown)
	}

	list := u.mustRun("policy", "assignment", "list")
	wantLines(t, list, `^NAME\s+SCOPE\s+POLICY\s+ENFORCEMENT MODE$`, `^labels\s+`+q(sub)+`\s+ns-labels\s+Default$`)
	if strings.Count(list, "\n") != 2 {
		t.Errorf("assignment list at the subscription shows others than its own:\n%s", list)
	}
	wantLines(t, u.mustRun("policy", "assignment", "list", "-g", testGroup), `^privileged\s+`+q(group)+`\s+`+builtinNoPrivileged+`\s+DoNotEnforce$`)
	wantLines(t, u.mustRun("policy", "assignment", "list", "--scope", cluster), `^labels\s+`+q(cluster)+`\s+ns-labels\s+Default$`)
	all := u.mustRun("policy", "assignment", "list", "--scope", cluster, "--disable-scope-strict-match")
	wantLines(t, all, `^labels\s+`+q(sub)+`\s`, `^privileged\s+`+q(group)+`\s`, `^labels\s+`+q(cluster)+`\s`)

	wantLines(t, u.mustRun("policy", "assignment", "delete", "-n", "privileged", "-g", testGroup),
		`^Deleted policy assignment 'privileged' at scope '`+q(group)+`'\.$`)
	wantLines(t, u.mustRun("policy", "assignment", "delete", "-n", "privileged", "--scope", group),
		`^Policy assignment 'privileged' at scope '`+q(group)+`' does not exist; nothing to delete\.$`)
	wantFailure(t, u.run("policy", "assignment", "show", "-n", "privileged", "-g", testGroup), "Error: (")
	empty := u.run("policy", "assignment", "list", "-g", testGroup)
	if empty.code != 0 || empty.stdout != "" || !strings.Contains(empty.stderr, "No policy assignments at scope '"+group+"'.") {
		t.Errorf("assignment list of an empty scope:\n%s", empty)
	}
}

func TestPolicyBadInput(t *testing.T) {
	h := startHub(t)
	u := newUser(t)
	u.login(h, h.AdminToken)
	createLabelsDefinition(t, u)
	notATemplate := labelsRules("apiVersion: v1\nkind: ConfigMap\n")

	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{name: "a template that is no ConstraintTemplate", args: []string{"definition", "create", "-n", "bad", "--rules", notATemplate,
			"--params", labelsParams},
			want: []string{"Error: (InvalidParameter) The ConstraintTemplate of properties.policyRule.then.details.templateInfo is invalid"}},
		{name: "rules that are no rule", args: []string{"definition", "create", "-n", "bad", "--rules", `{"then": {}}`},
			want: []string{`Error: --rules must be a policy rule`}},
		{name: "params that are no JSON", args: []string{"definition", "create", "-n", "bad", "--rules", labelsRules(requiredLabelsTemplate), "--params", "{type"},
			want: []string{"Error: --params must be a JSON object"}},
		{name: "an unknown definition", args: []string{"assignment", "create", "-n", "a", "--policy", "nope"},
			want: []string{"Error: --policy: subscription '" + testSub + "' has no custom policy definition 'nope' and the hub has no such built-in"}},
		{name: "a value outside allowedValues", args: []string{"assignment", "create", "-n", "a", "--policy", "ns-labels",
			"--params", `{"labels": {"value": ["team"]}, "effect": {"value": "maybe"}}`},
			want: []string{"Error: (InvalidParameter) ", "'properties.parameters.effect.value'"}},
		{name: "a missing required parameter", args: []string{"assignment", "create", "-n", "a", "--policy", "ns-labels"},
			want: []string{"Error: (MissingRequiredProperty) ", "'properties.parameters.labels'"}},
		{name: "an unknown enforcement mode", args: []string{"assignment", "create", "-n", "a", "--policy", "ns-labels", "--enforcement-mode", "Enroll"},
			want: []string{`Error: --enforcement-mode "Enroll" is not one of Default or DoNotEnforce`}},
		{name: "a scope that is no scope", args: []string{"assignment", "list", "--scope", "/subscriptions/" + testSub + "/resourceGroups"},
			want: []string{`Error: --scope "/subscriptions/` + testSub + `/resourceGroups": must be the ID of a subscription`}},
		{name: "a scope and a group", args: []string{"assignment", "show", "-n", "a", "--scope", "/subscriptions/" + testSub, "-g", testGroup},
			want: []string{"Error: if any flags in the group [scope resource-group] are set none of the others can be"}},
		{name: "a cluster name without its group", args: []string{"state", "list", "--resource", "store-042"},
			want: []string{`Error: --resource "store-042" is a name: give its resource group with -g, or give its ID`}},
		{name: "a negative top", args: []string{"state", "list", "--top", "-1"}, want: []string{"Error: --top must be a positive number, not -1"}},
		{name: "a top that is no number", args: []string{"state", "summarize", "--top", "ten"}, want: []string{`Error: invalid argument "ten" for "--top" flag`}},
		{name: "a filter the hub cannot read", args: []string{"state", "list", "--filter", "complianceState eq"},
			want: []string{"Error: (InvalidQueryParameterValue) "}},
		{name: "a resource and an assignment", args: []string{"state", "list", "--resource", "x", "-a", "y"},
			want: []string{"Error: if any flags in the group [resource policy-assignment] are set none of the others can be"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantFailure(t, u.run(append([]string{"policy"}, tc.args...)...), tc.want...)
		})
	}
}

// policyAgent plays the policy side of the agent of cluster store-042, beside fakeAgent
// (which installs the Gatekeeper extension): it reports each new PolicySync spec
// NonCompliant, with one violating namespace, and echoes its evaluation request.
type policyAgent struct {
	agent *fakeAgent
	// reports are what it reported: the PolicySync's name → resourceVersion, and spec.
	reports fakeReports[protocol.PolicySyncSpec]
}

func newPolicyAgent(agent *fakeAgent) *policyAgent {
	return &policyAgent{agent: agent, reports: fakeReports[protocol.PolicySyncSpec]{kind: protocol.KindPolicySync,
		reported: map[string]string{}, specs: map[string]protocol.PolicySyncSpec{}, status: policyReport}}
}

// sync reports what changed in the desired state since the last call.
func (p *policyAgent) sync(t *testing.T) {
	t.Helper()
	state, err := p.agent.hub.DesiredState(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	report, err := p.reports.of(state)
	if err != nil {
		t.Fatal(err)
	}
	if len(report) > 0 {
		if err := p.agent.hub.ReportStatus(t.Context(), report); err != nil {
			t.Fatal(err)
		}
	}
}

// policyReport is the status of a PolicySync whose audit found one namespace without labels.
func policyReport(obj protocol.DesiredObject, spec protocol.PolicySyncSpec) protocol.ObjectStatus {
	st, _ := json.Marshal(protocol.PolicySyncStatus{ComplianceState: protocol.PolicyNonCompliant, Enforced: true,
		EnforcementAction: spec.EnforcementAction, AuditTimestamp: "2026-05-01T10:00:00Z", TotalViolations: 1,
		Violations:        []protocol.PolicyViolation{{Kind: "Namespace", Name: "team-a", Message: "missing labels {\"team\"}"}},
		EvaluationRequest: spec.EvaluationRequest})
	return protocol.ObjectStatus{Kind: protocol.KindPolicySync, Name: obj.Name, ObservedResourceVersion: obj.ResourceVersion, Status: st}
}

func TestPolicyStates(t *testing.T) {
	h := startHub(t)
	policies := newPolicyAgent(h.startClusterWithAgent())
	u := newUser(t)
	u.login(h, h.AdminToken)
	sub := "/subscriptions/" + testSub

	r := u.run("policy", "state", "list")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "No policy states at scope '"+sub+"'.") {
		t.Errorf("state list without states:\n%s", r)
	}
	if out := u.mustRun("policy", "state", "list", "-o", "json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("state list -o json without states = %q, want []", out)
	}
	wantLines(t, u.mustRun("policy", "state", "summarize"), `^Non-compliant resources:\s+0$`)

	createLabelsDefinition(t, u)
	u.mustRun("policy", "assignment", "create", "-n", "labels", "--policy", "ns-labels", "-g", testGroup,
		"--params", `{"labels": {"value": ["team"]}, "effect": {"value": "deny"}}`)
	policies.sync(t)

	const row = `^store-042\s+` + testGroup + `\s+labels\s+deny\s+NonCompliant\s+2026-05-01T10:00:00Z$`
	wantLines(t, u.mustRun("policy", "state", "list", "-g", testGroup),
		`^RESOURCE\s+RESOURCE GROUP\s+ASSIGNMENT\s+EFFECT\s+COMPLIANCE\s+TIMESTAMP$`, row)
	wantLines(t, u.mustRun("policy", "state", "list", "-a", "labels", "-g", testGroup), row)
	states := decodeJSON[[]map[string]any](t, u.mustRun("policy", "state", "list", "--resource", "store-042", "-g", testGroup,
		"--filter", "complianceState eq 'NonCompliant'", "--top", "5", "-o", "json"))
	if len(states) != 1 || states[0]["resourceId"] != clusterPath(testGroup, "store-042") || states[0]["policyAssignmentName"] != "labels" {
		t.Errorf("state list --resource -o json = %v", states)
	}
	r = u.run("policy", "state", "list", "--filter", "complianceState eq 'Compliant'")
	if r.code != 0 || r.stdout != "" {
		t.Errorf("state list of compliant states:\n%s", r)
	}
	wantLines(t, u.mustRun("policy", "state", "summarize", "-g", testGroup), `^Non-compliant resources:\s+1$`, `^Non-compliant policies:\s+1$`,
		`^labels\s+`+regexp.QuoteMeta(sub+"/resourceGroups/"+testGroup)+`\s+1\s+1\s`)

	if r = u.run("policy", "state", "trigger-scan", "--no-wait"); r.code != 0 {
		t.Fatalf("trigger-scan --no-wait:\n%s", r)
	}
	wantLines(t, r.stderr, `^Starting a compliance scan of subscription '`+testSub+`'… done$`)
	wantLines(t, r.stdout, `^The compliance scan of subscription '`+testSub+`' started; 'arcctl policy state summarize' shows the results as the agents report them\.$`)

	done := make(chan result, 1)
	go func() { done <- u.run("policy", "state", "trigger-scan", "-g", testGroup) }()
	for r = (result{code: -1}); r.code == -1; {
		select {
		case r = <-done:
		case <-time.After(100 * time.Millisecond):
			policies.sync(t)
		}
	}
	if r.code != 0 {
		t.Fatalf("trigger-scan:\n%s", r)
	}
	wantLines(t, r.stderr, `^Starting a compliance scan of resource group '`+testGroup+`'… done$`, `^Waiting for the agents of its clusters to report…$`)
	wantLines(t, r.stdout, `^The compliance scan of resource group '`+testGroup+`' is done; 'arcctl policy state summarize -g `+testGroup+`' shows the results\.$`)
}
