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
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubearc/kubearc/internal/gatekeepertest"
)

const (
	policyWait = 2 * time.Minute
	// auditInterval is Gatekeeper's audit interval in the e2e; the hub sees a violation at
	// most this long (plus the report) after it appears.
	auditInterval = 3 * time.Second
	// nsLabels is the custom definition the user writes: namespaces must carry labels.
	nsLabels = "namespace-labels"
	// brokenRego is a custom definition whose template does not compile.
	brokenRego = "broken-rego"
	// legacyNamespace exists before any policy and violates them.
	legacyNamespace = "legacy"
)

// TestPolicyWithGatekeeper runs the hub, the agent (connected with arcctl) and the real
// Gatekeeper (built by hack/gatekeeper.sh, with its webhooks and audit) as processes against
// the local cluster. A user writes a custom definition and assigns it with arcctl, as with
// az policy; Gatekeeper enforces it in the cluster and its audit comes back as policy states.
func TestPolicyWithGatekeeper(t *testing.T) {
	e := newEnv(t)
	e.serveGatekeeperCatalog()
	e.up()
	cfg, err := clientcmd.BuildConfigFromFlags("", e.kube)
	if err != nil {
		t.Fatal(err)
	}
	gatekeepertest.Start(t, cfg, gatekeepertest.Options{AuditInterval: auditInterval})
	e.kubectlOK("", "create", "namespace", legacyNamespace)

	p := &policyRun{}
	steps := []struct {
		name string
		run  func(e *env)
	}{
		{"a custom definition written with arcctl", p.defineNamespaceLabels},
		{"assigned in deny mode, a namespace without the label is refused with the policy's message", p.denyMode},
		{"the first assignment made the hub add the Gatekeeper extension", p.expectGatekeeperExtension},
		{"in audit mode the existing namespace shows NonCompliant on the hub with its component id", p.auditMode},
		{"labelling it makes it Compliant after a scan", p.fixLegacy},
		{"an invalid Rego template shows the compile error, the other assignment keeps working", p.brokenTemplate},
		{"deleting the assignment removes the constraint and admission allows again", p.deleteAssignment},
		{"with the hub stopped the constraints stay and keep enforcing", p.hubStopped},
	}
	for _, step := range steps {
		if !t.Run(step.name, func(t *testing.T) { step.run(e.in(t)) }) {
			return
		}
	}
}
