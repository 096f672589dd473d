//go:build e2e

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

package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// policyRun is the state the policy journey's steps share.
type policyRun struct{}

const (
	// nsOwner assigns nsLabels at the cluster's scope, requiring the label owner.
	nsOwner = "namespace-owner"
	// brokenAssignment assigns brokenRego.
	brokenAssignment = "broken"
	// refusal is what the Rego of namespaceLabelsTemplate says of a namespace without owner.
	refusal = `needs the labels ["owner"]`
)

// namespaceLabelsTemplate is the Gatekeeper template of nsLabels, written by the user.
const namespaceLabelsTemplate = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8snamespacelabels
spec:
  crd:
    spec:
      names:
        kind: K8sNamespaceLabels
      validation:
        openAPIV3Schema:
          type: object
          properties:
            labels:
              type: array
              items: {type: string}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8snamespacelabels

        violation[{"msg": msg}] {
          provided := {label | input.review.object.metadata.labels[label]}
          required := {label | label := input.parameters.labels[_]}
          missing := required - provided
          count(missing) > 0
          msg := sprintf("namespace %v needs the labels %v", [input.review.object.metadata.name, sort(missing)])
        }
`

// brokenTemplate does not compile: Gatekeeper reports the error in the template's status.
const brokenTemplate = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sbroken
spec:
  crd:
    spec:
      names:
        kind: K8sBroken
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sbroken

        violation[{"msg": msg}] {
          msg := undefined_function(input.review.object)
        }
`

// definitionRules is a Microsoft.Kubernetes.Data policyRule for kinds with template.
func definitionRules(template, apiGroup, kind string) string {
	return fmt.Sprintf(`{
  "if": {"field": "type", "in": ["Microsoft.Kubernetes/connectedClusters"]},
  "then": {
    "effect": "[parameters('effect')]",
    "details": {
      "templateInfo": {"sourceType": "Base64Encoded", "content": %q},
      "apiGroups": [%q],
      "kinds": [%q],
      "excludedNamespaces": [%s],
      "values": {"labels": "[parameters('labelsList')]"}
    }
  }
}`, base64.StdEncoding.EncodeToString([]byte(template)), apiGroup, kind, systemNamespaces)
}

// systemNamespaces are the namespaces of the cluster before the journey, the policies' exclusions:
// a Namespace object's own name is what Gatekeeper matches them with.
const systemNamespaces = `"default", "kube-system", "kube-public", "kube-node-lease", "gatekeeper-system", "kubearc-system"`

// definitionParams are the parameters of the journey's definitions.
const definitionParams = `{
  "effect": {"type": "String", "allowedValues": ["audit", "deny", "disabled"], "defaultValue": "deny"},
  "labelsList": {"type": "Array", "defaultValue": []}
}`

// writeFile writes content to a file in the test's directory and returns its path.
func (e *env) writeFile(name, content string) string {
	e.t.Helper()
	path := filepath.Join(e.dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return path
}

func (p *policyRun) defineNamespaceLabels(e *env) {
	rules := e.writeFile("ns-labels-rules.json", definitionRules(namespaceLabelsTemplate, "", "Namespace"))
	params := e.writeFile("ns-labels-params.json", definitionParams)
	e.arcctl("policy", "definition", "create", "-n", nsLabels, "--rules", rules, "--params", params,
		"--mode", "Microsoft.Kubernetes.Data", "--display-name", "Namespaces must carry labels")
	out := e.arcctl("policy", "definition", "show", "-n", nsLabels, "-o", "json")
	if !strings.Contains(out, "Microsoft.Kubernetes.Data") {
		e.t.Fatalf("definition show does not have the mode:\n%s", out)
	}
}

// clusterScope is the ARM ID of the e2e cluster, the scope of the journey's assignments.
func clusterScope() string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Kubernetes/connectedClusters/%s",
		subscription, group, cluster)
}

// assign assigns definition at the cluster's scope with the effect and labels.
func (e *env) assign(name, definition, effect string) {
	e.t.Helper()
	params := fmt.Sprintf(`{"effect": {"value": %q}, "labelsList": {"value": ["owner"]}}`, effect)
	e.arcctl("policy", "assignment", "create", "-n", name, "--scope", clusterScope(), "--policy", definition,
		"--params", params)
}

// admission creates a namespace without the label in a server-side dry run and returns
// kubectl's error and output: the webhook sees dry runs too, and nothing is created.
func (e *env) admission() (string, error) {
	return e.kubectlRun("", "create", "namespace", "unlabelled", "--dry-run=server")
}

// refused checks that the API server refuses a namespace without the label with the policy's
// message.
func (e *env) refused() error {
	out, err := e.admission()
	switch {
	case err == nil:
		return fmt.Errorf("the namespace was admitted: %s", out)
	case !strings.Contains(out, refusal):
		return fmt.Errorf("refused without the policy's message: %s", out)
	}
	return nil
}

// admitted checks that the API server admits a namespace without the label.
func (e *env) admitted() error {
	if out, err := e.admission(); err != nil {
		return fmt.Errorf("still refused: %s", out)
	}
	return nil
}

func (p *policyRun) denyMode(e *env) {
	e.assign(nsOwner, nsLabels, "deny")
	e.waitFor("the API server refusing a namespace without the label", policyWait, e.refused)
}

func (p *policyRun) expectGatekeeperExtension(e *env) {
	out := e.arcctl("k8s-extension", "list", "-c", cluster, "-g", group, "-o", "json")
	var exts []struct {
		Name       string `json:"name"`
		Properties struct {
			ExtensionType string `json:"extensionType"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(out), &exts); err != nil {
		e.t.Fatalf("k8s-extension list -o json: %v\n%s", err, out)
	}
	n := 0
	for _, x := range exts {
		if x.Properties.ExtensionType == gatekeeperType {
			n++
		}
	}
	if n != 1 {
		e.t.Fatalf("the cluster has %d extensions of type %s, want the one the hub added:\n%s", n, gatekeeperType, out)
	}
}

func (p *policyRun) auditMode(e *env) {
	e.assign(nsOwner, nsLabels, "audit")
	e.waitFor("a namespace without the label admitted in audit mode", policyWait, e.admitted)
	e.waitFor("the legacy namespace NonCompliant on the hub", policyWait, func() error {
		if err := e.expectPolicyState(nsOwner, "NonCompliant"); err != nil {
			return err
		}
		return e.expectComponent(nsOwner, legacyNamespace, "NonCompliant")
	})
}

func (p *policyRun) fixLegacy(e *env) {
	e.kubectlOK("", "label", "namespace", legacyNamespace, "owner=platform")
	e.waitFor("Compliant on the hub after a scan", policyWait, func() error {
		e.arcctl("policy", "state", "trigger-scan", "--timeout", "1m")
		return e.expectPolicyState(nsOwner, "Compliant")
	})
}

func (p *policyRun) brokenTemplate(e *env) {
	rules := e.writeFile("broken-rules.json", definitionRules(brokenTemplate, "", "ConfigMap"))
	params := e.writeFile("broken-params.json", definitionParams)
	e.arcctl("policy", "definition", "create", "-n", brokenRego, "--rules", rules, "--params", params)
	e.assign(brokenAssignment, brokenRego, "deny")
	e.waitFor("the compile error on the hub", policyWait, func() error {
		return e.expectPolicyError(brokenAssignment, "undefined_function")
	})
	e.assign(nsOwner, nsLabels, "deny")
	e.waitFor("the other assignment still refusing", policyWait, e.refused)
}

func (p *policyRun) deleteAssignment(e *env) {
	e.arcctl("policy", "assignment", "delete", "-n", nsOwner, "--scope", clusterScope())
	e.waitFor("the constraint gone", policyWait, func() error {
		out, err := e.kubectlRun("", "get", "k8snamespacelabels", "-o", "name")
		if err == nil && strings.TrimSpace(out) != "" {
			return fmt.Errorf("constraints left: %s", out)
		}
		return nil
	})
	e.waitFor("a namespace without the label admitted again", policyWait, e.admitted)
}

func (p *policyRun) hubStopped(e *env) {
	e.assign(nsOwner, nsLabels, "deny")
	e.waitFor("refused again", policyWait, e.refused)
	e.stop("hub")
	e.waitFor("the agent to notice the hub is gone", policyWait, func() error {
		return e.expectConnected("False")
	})
	if err := e.refused(); err != nil {
		e.t.Fatalf("with the hub stopped: %v", err)
	}
	e.kubectlOK("", "get", "k8snamespacelabels", "-o", "name")
}
