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
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubearc/kubearc/internal/gatekeepertest"
)

// constraints are the constraints of namespaceLabelsTemplate.
var constraints = schema.GroupVersionResource{Group: "constraints.gatekeeper.sh", Version: "v1beta1", Resource: "k8snamespacelabels"}

// policyBench is a connected cluster with Gatekeeper running and the nsLabels definition.
func policyBench(b *testing.B) (*env, dynamic.Interface) {
	e := newEnv(b)
	e.serveGatekeeperCatalog()
	e.up()
	cfg, err := clientcmd.BuildConfigFromFlags("", e.kube)
	if err != nil {
		b.Fatal(err)
	}
	gatekeepertest.Start(b, cfg, gatekeepertest.Options{AuditInterval: auditInterval})
	(&policyRun{}).defineNamespaceLabels(e)
	return e, dynamic.NewForConfigOrDie(cfg)
}

// BenchmarkPolicyAssignmentToEnforcing measures, per iteration, the time from starting
// `arcctl policy assignment create` with a new required label to Gatekeeper enforcing the
// changed constraint (every byPod entry enforced at the constraint's generation), and
// reports p50 and p99.
// Run: make build gatekeeper && go test -tags e2e ./test/e2e -run '^$' -bench PolicyAssignmentToEnforcing -benchtime 100x
func BenchmarkPolicyAssignmentToEnforcing(b *testing.B) {
	e, dyn := policyBench(b)
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		label := fmt.Sprintf("owner-%d", i)
		start := time.Now()
		params := fmt.Sprintf(`{"effect": {"value": "deny"}, "labelsList": {"value": [%q]}}`, label)
		e.arcctl("policy", "assignment", "create", "-n", nsOwner, "--scope", clusterScope(), "--policy", nsLabels, "--params", params)
		if err := waitEnforcing(b.Context(), dyn, label); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	report(b, "assignment PUT → constraint enforcing", took)
}

// waitEnforcing polls until a constraint requires label and Gatekeeper enforces it.
func waitEnforcing(ctx context.Context, dyn dynamic.Interface, label string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for ctx.Err() == nil {
		list, err := dyn.Resource(constraints).List(ctx, metav1.ListOptions{})
		if err == nil {
			for _, c := range list.Items {
				if requires(c, label) && enforced(c) {
					return nil
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("no constraint enforces label %s: %w", label, ctx.Err())
}

func requires(c unstructured.Unstructured, label string) bool {
	labels, _, _ := unstructured.NestedStringSlice(c.Object, "spec", "parameters", "labels")
	return slices.Equal(labels, []string{label})
}

// enforced: every pod of Gatekeeper that reports on the constraint enforces its generation.
func enforced(c unstructured.Unstructured) bool {
	pods, _, _ := unstructured.NestedSlice(c.Object, "status", "byPod")
	if len(pods) == 0 {
		return false
	}
	for _, p := range pods {
		m, _ := p.(map[string]any)
		gen, _, _ := unstructured.NestedInt64(m, "observedGeneration")
		if m["enforced"] != true || gen != c.GetGeneration() {
			return false
		}
	}
	return true
}

// BenchmarkPolicyViolationToNonCompliant measures, per iteration, the time from creating a
// namespace without the required label to the hub showing it as a NonCompliant component of
// the audit-mode assignment, at Gatekeeper's audit interval auditInterval, and reports p50
// and p99.
// Run: make build gatekeeper && go test -tags e2e ./test/e2e -run '^$' -bench PolicyViolationToNonCompliant -benchtime 30x
func BenchmarkPolicyViolationToNonCompliant(b *testing.B) {
	e, _ := policyBench(b)
	e.assign(nsOwner, nsLabels, "audit")
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprintf("violation-%d", i)
		start := time.Now()
		e.kubectlOK("", "create", "namespace", name)
		for e.expectComponent(nsOwner, name, "NonCompliant") != nil {
			if time.Since(start) > time.Minute {
				b.Fatalf("namespace %s not NonCompliant on the hub after a minute", name)
			}
			time.Sleep(20 * time.Millisecond)
		}
		took = append(took, time.Since(start))
		e.kubectlOK("", "delete", "namespace", name, "--wait=false")
	}
	b.StopTimer()
	report(b, fmt.Sprintf("violation → NonCompliant on the hub (audit every %v)", auditInterval), took)
}

// report reports the p50 and p99 of took.
func report(b *testing.B, what string, took []time.Duration) {
	slices.Sort(took)
	b.ReportMetric(ms(percentile(took, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(took, 99)), "p99-ms")
	b.Logf("%s over %d runs: p50 %v, p99 %v, min %v, max %v", what, len(took),
		percentile(took, 50), percentile(took, 99), took[0], took[len(took)-1])
}

// BenchmarkPolicyManyAssignments assigns policyAssignmentsPerCluster audit-mode policies to
// one cluster with arcctl and measures the time until every PolicySync is Ready (Gatekeeper
// enforcing its constraint) with none in error.
// Run: make build gatekeeper && go test -tags e2e ./test/e2e -run '^$' -bench PolicyManyAssignments -benchtime 1x
func BenchmarkPolicyManyAssignments(b *testing.B) {
	e, _ := policyBench(b)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		for i := range policyAssignmentsPerCluster {
			params := fmt.Sprintf(`{"effect": {"value": "audit"}, "labelsList": {"value": ["label-%d"]}}`, i)
			e.arcctl("policy", "assignment", "create", "-n", fmt.Sprintf("many-%d", i), "--scope", clusterScope(),
				"--policy", nsLabels, "--params", params)
		}
		e.waitFor("every PolicySync Ready", 10*time.Minute, e.allPolicySyncsReady)
		b.Logf("%d assignments Ready without errors %v after the first PUT", policyAssignmentsPerCluster, time.Since(start))
	}
}

// policyAssignmentsPerCluster is how many assignments BenchmarkPolicyManyAssignments makes.
const policyAssignmentsPerCluster = 500

// allPolicySyncsReady checks that policyAssignmentsPerCluster PolicySyncs exist, all Ready
// and none Error.
func (e *env) allPolicySyncsReady() error {
	out, err := e.kubectlRun("", "get", "policysyncs", "-A", "-o",
		`jsonpath={range .items[*]}{.status.complianceState}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}`)
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	lines := strings.Fields(strings.ReplaceAll(out, " ", "/"))
	ready := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "Error") {
			return fmt.Errorf("a PolicySync is in error: %s", l)
		}
		if strings.HasSuffix(l, "/True") {
			ready++
		}
	}
	if ready < policyAssignmentsPerCluster {
		return fmt.Errorf("%d of %d PolicySyncs Ready", ready, policyAssignmentsPerCluster)
	}
	return nil
}
