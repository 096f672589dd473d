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

package controllers

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agent/policy"
	"github.com/kubearc/kubearc/internal/gatekeepertest"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const (
	// policyWait bounds what Gatekeeper does: take in a template, enforce a constraint, audit
	// (every two seconds here).
	policyWait = 60 * time.Second
	policyPoll = 250 * time.Millisecond
	// deniedMessage is what the K8sRequiredLabels policy says of an object without the owner
	// label.
	deniedMessage = `you must provide labels: {"owner"}`
)

// policyTemplate is the K8sRequiredLabels ConstraintTemplate of the policy package's tests,
// its kind renamed to kind.
func policyTemplate(kind string) string {
	raw, err := os.ReadFile(filepath.Join("..", "internal", "agent", "policy", "testdata", "k8srequiredlabels.yaml"))
	Expect(err).NotTo(HaveOccurred())
	return strings.ReplaceAll(strings.ReplaceAll(string(raw), "K8sRequiredLabels", kind), "k8srequiredlabels", strings.ToLower(kind))
}

// configMapPolicy is a PolicySync of the agent's namespace that requires the owner label on
// the ConfigMaps of namespace.
func configMapPolicy(name, namespace string, action arcv1alpha1.EnforcementAction) *arcv1alpha1.PolicySync {
	return &arcv1alpha1.PolicySync{
		TypeMeta:   metav1.TypeMeta{APIVersion: arcv1alpha1.GroupVersion.String(), Kind: "PolicySync"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: agentNamespace},
		Spec: arcv1alpha1.PolicySyncSpec{
			AssignmentID:      "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/policyAssignments/" + name,
			EnforcementAction: action,
			Template:          policyTemplate("K8sRequiredLabels"),
			Match: arcv1alpha1.PolicyMatch{Kinds: []arcv1alpha1.PolicyKinds{{APIGroups: []string{""}, Kinds: []string{"ConfigMap"}}},
				Namespaces: []string{namespace}},
			Parameters: &apiextensionsv1.JSON{Raw: []byte(`{"labels":["owner"]}`)},
		},
	}
}

func getPolicySync(g Gomega, name string) *arcv1alpha1.PolicySync {
	ps := policySyncRef(name)
	g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(ps), ps)).To(Succeed())
	return ps
}

// policyEnforced expects the PolicySync name to be Ready: Gatekeeper enforces its current
// generation.
func policyEnforced(g Gomega, name string) *arcv1alpha1.PolicySync {
	ps := getPolicySync(g, name)
	ready := apimeta.FindStatusCondition(ps.Status.Conditions, arcv1alpha1.ReadyCondition)
	g.Expect(ready).NotTo(BeNil())
	g.Expect(ready.Status).To(Equal(metav1.ConditionTrue), "%+v", ps.Status)
	g.Expect(ps.Status.ObservedGeneration).To(Equal(ps.Generation))
	g.Expect(ps.Status.Enforced).To(BeTrue())
	return ps
}

// policySyncRef is the PolicySync name of the agent's namespace, to look it up or delete it.
func policySyncRef(name string) *arcv1alpha1.PolicySync {
	return &arcv1alpha1.PolicySync{ObjectMeta: metav1.ObjectMeta{Namespace: agentNamespace, Name: name}}
}

// namedConstraint is the K8sRequiredLabels constraint name, to look it up.
func namedConstraint(name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(policy.ConstraintGVK("K8sRequiredLabels"))
	u.SetName(name)
	return u
}

// isGone reports whether obj, or its kind, is gone from the API server.
func isGone(obj client.Object) bool {
	err := k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), obj)
	return apierrors.IsNotFound(err) || apimeta.IsNoMatchError(err)
}

// unlabelledConfigMap is a ConfigMap without the owner label.
func unlabelledConfigMap(namespace, name string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
}

// applyWithKubectl applies obj as YAML with kubectl, as an operator would.
func applyWithKubectl(obj client.Object) {
	manifest, err := yaml.Marshal(obj)
	Expect(err).NotTo(HaveOccurred())
	file := filepath.Join(GinkgoT().TempDir(), "manifest.yaml")
	Expect(os.WriteFile(file, manifest, 0o600)).To(Succeed())
	_, err = kubectl("apply", "-f", file)
	Expect(err).NotTo(HaveOccurred())
}

var _ = Describe("PolicySync", Ordered, func() {
	const (
		local       = "local-policy"
		denyNS      = "policy-deny"
		auditNS     = "policy-audit"
		localNS     = "policy-local"
		audit       = "audit-configmaps"
		broken      = "broken-rego"
		afterBroken = "after-broken"
	)
	hubAssignment := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/edge/providers/Microsoft.Authorization/policyAssignments/Require-Owner"
	hubName := protocol.PolicySyncName(hubAssignment)

	It("waits for Gatekeeper, and says so, while it is not installed", func() {
		applyWithKubectl(configMapPolicy(local, localNS, arcv1alpha1.EnforcementDryRun))
		Eventually(func(g Gomega) {
			ps := getPolicySync(g, local)
			ready := apimeta.FindStatusCondition(ps.Status.Conditions, arcv1alpha1.ReadyCondition)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Reason).To(Equal(arcv1alpha1.GatekeeperNotInstalledReason))
			g.Expect(ready.Message).To(ContainSubstring("Gatekeeper is not installed"))
			g.Expect(apimeta.IsStatusConditionTrue(ps.Status.Conditions, arcv1alpha1.ReconcilingCondition)).To(BeTrue())
			g.Expect(ps.Status.ComplianceState).To(Equal(arcv1alpha1.PolicyUnknown))
		}, policyWait, policyPoll).Should(Succeed())
	})

	Context("with Gatekeeper running", Ordered, func() {
		BeforeAll(func() {
			gatekeepertest.Start(GinkgoTB(), cfg, gatekeepertest.Options{AuditInterval: 2 * time.Second})
			for _, ns := range []string{denyNS, auditNS, localNS} {
				Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
			}
		})

		It("enforces the PolicySync applied with kubectl once Gatekeeper is there, and reports it as cluster-owned", func() {
			Eventually(func(g Gomega) { policyEnforced(g, local) }, policyWait, policyPoll).Should(Succeed())
			status, ok := policy.Source(agentNamespace).Status(getPolicySync(Default, local))
			Expect(ok).To(BeTrue())
			Expect(status.Name).To(Equal(local))
			Expect(status.ObservedResourceVersion).To(BeEmpty())
			var reported protocol.PolicySyncStatus
			Expect(json.Unmarshal(status.Status, &reported)).To(Succeed())
			Expect(reported.ClusterOwned).NotTo(BeNil())
			Expect(reported.ClusterOwned.AssignmentID).To(HaveSuffix("/policyAssignments/" + local))
			Expect(reported.Enforced).To(BeTrue())
		})

		It("turns the hub's policy assignment into a template and a constraint with its enforcement action, match and parameters", func() {
			spec, err := json.Marshal(protocol.PolicySyncSpec{
				AssignmentID: hubAssignment, DefinitionID: "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/policyDefinitions/required-labels",
				DisplayName: "ConfigMaps have an owner", EnforcementAction: protocol.EnforcementDeny, Template: policyTemplate("K8sRequiredLabels"),
				Match: protocol.PolicyMatch{Kinds: []protocol.PolicyKinds{{APIGroups: []string{""}, Kinds: []string{"ConfigMap"}}},
					Namespaces: []string{denyNS}, LabelSelector: json.RawMessage(`{"matchExpressions":[{"key":"exempt","operator":"DoesNotExist"}]}`)},
				Parameters: json.RawMessage(`{"labels":["owner"]}`), Message: "ConfigMaps need an owner.",
			})
			Expect(err).NotTo(HaveOccurred())
			state := maps.Clone(desiredState)
			state[protocol.KindPolicySync+"/"+hubName] = protocol.DesiredObject{Kind: protocol.KindPolicySync, Name: hubName, ResourceVersion: "4", Spec: spec}
			agentConnector.Desired(state)

			Eventually(func(g Gomega) { policyEnforced(g, hubName) }, policyWait, policyPoll).Should(Succeed())
			c := namedConstraint(hubName)
			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(c), c)).To(Succeed())
			Expect(c.Object["spec"]).To(Equal(map[string]any{
				"enforcementAction": "deny",
				"match": map[string]any{
					"kinds":         []any{map[string]any{"apiGroups": []any{""}, "kinds": []any{"ConfigMap"}}},
					"namespaces":    []any{denyNS},
					"labelSelector": map[string]any{"matchExpressions": []any{map[string]any{"key": "exempt", "operator": "DoesNotExist"}}},
					// The system namespaces are excluded whatever the assignment says.
					"excludedNamespaces": []any{agentNamespace, "kube-system", "gatekeeper-system"},
				},
				"parameters": map[string]any{"labels": []any{"owner"}},
			}))
			Expect(c.GetAnnotations()).To(HaveKeyWithValue(policy.AnnotationAssignment, hubAssignment))
			Expect(c.GetAnnotations()).To(HaveKeyWithValue(policy.AnnotationDefinition, HaveSuffix("/policyDefinitions/required-labels")))
			Expect(c.GetLabels()).To(HaveKeyWithValue(policy.LabelPolicySync, hubName))

			tmpl := &templatesv1.ConstraintTemplate{}
			Expect(k8sClient.Get(ctx, client.ObjectKey{Name: "k8srequiredlabels"}, tmpl)).To(Succeed())
			Expect(tmpl.Labels).To(HaveKeyWithValue(policy.LabelManagedBy, policy.ManagedByAgent))
			Expect(tmpl.Spec.Targets[0].Rego).To(ContainSubstring("you must provide labels"))

			status, ok := policy.Source(agentNamespace).Status(getPolicySync(Default, hubName))
			Expect(ok).To(BeTrue())
			Expect(status.ObservedResourceVersion).To(Equal("4"))
			Expect(string(status.Status)).To(ContainSubstring(`"enforced":true`))
			Expect(string(status.Status)).NotTo(ContainSubstring("clusterOwned"))
		})

		It("in deny mode makes the API server refuse a violating object with the policy's message", func() {
			err := k8sClient.Create(ctx, unlabelledConfigMap(denyNS, "no-owner"))
			Expect(err).To(MatchError(ContainSubstring(deniedMessage)))
			owned := unlabelledConfigMap(denyNS, "with-owner")
			owned.Labels = map[string]string{"owner": "me"}
			Expect(k8sClient.Create(ctx, owned)).To(Succeed())
		})

		It("in dryrun mode shows NonCompliant with every violating object, past Gatekeeper's default limit of 20", func() {
			for i := range 25 {
				Expect(k8sClient.Create(ctx, unlabelledConfigMap(auditNS, fmt.Sprintf("unowned-%02d", i)))).To(Succeed())
			}
			Expect(k8sClient.Create(ctx, configMapPolicy(audit, auditNS, arcv1alpha1.EnforcementDryRun))).To(Succeed())
			Eventually(func(g Gomega) {
				ps := policyEnforced(g, audit)
				g.Expect(ps.Status.ComplianceState).To(Equal(arcv1alpha1.PolicyNonCompliant))
				g.Expect(ps.Status.TotalViolations).To(HaveValue(BeEquivalentTo(25)))
				g.Expect(ps.Status.Violations).To(HaveLen(25))
				g.Expect(ps.Status.ViolationsTruncated).To(BeFalse())
				g.Expect(ps.Status.Violations).To(ContainElement(arcv1alpha1.PolicyViolation{Version: "v1", Kind: "ConfigMap",
					Namespace: auditNS, Name: "unowned-07", Message: deniedMessage, EnforcementAction: "dryrun"}))
			}, policyWait, policyPoll).Should(Succeed())
			out, err := kubectl("get", "policysyncs", "-n", agentNamespace, audit)
			Expect(err).NotTo(HaveOccurred())
			Expect(out).To(MatchRegexp(`ENFORCEMENT\s+COMPLIANCE\s+VIOLATIONS`))
			Expect(out).To(MatchRegexp(audit + `\s+True\s+dryrun\s+NonCompliant\s+25\s`))
		})

		It("is Compliant once the violating objects are fixed", func() {
			for i := range 25 {
				cm := unlabelledConfigMap(auditNS, fmt.Sprintf("unowned-%02d", i))
				Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(cm), cm)).To(Succeed())
				cm.Labels = map[string]string{"owner": "me"}
				Expect(k8sClient.Update(ctx, cm)).To(Succeed())
			}
			Eventually(func(g Gomega) {
				ps := policyEnforced(g, audit)
				g.Expect(ps.Status.ComplianceState).To(Equal(arcv1alpha1.PolicyCompliant))
				g.Expect(ps.Status.TotalViolations).To(HaveValue(BeEquivalentTo(0)))
				g.Expect(ps.Status.Violations).To(BeEmpty())
			}, policyWait, policyPoll).Should(Succeed())
		})

		It("answers an evaluation request with Gatekeeper's latest audit", func() {
			Eventually(func(g Gomega) {
				ps := getPolicySync(g, audit)
				ps.Spec.EvaluationRequest = "scan-1"
				g.Expect(k8sClient.Update(ctx, ps)).To(Succeed())
			}, policyWait, policyPoll).Should(Succeed())
			Eventually(func(g Gomega) {
				ps := policyEnforced(g, audit)
				g.Expect(ps.Status.EvaluationRequest).To(Equal("scan-1"))
				g.Expect(ps.Status.AuditTimestamp).NotTo(BeNil())
			}, policyWait, policyPoll).Should(Succeed())
		})

		It("shows Gatekeeper's compile error for Rego that does not compile, while another PolicySync works", func() {
			bad := configMapPolicy(broken, auditNS, arcv1alpha1.EnforcementDryRun)
			bad.Spec.Template = strings.Replace(policyTemplate("K8sBrokenLabels"), "count(missing) > 0", "count(missing) >", 1)
			Expect(k8sClient.Create(ctx, bad)).To(Succeed())
			Expect(k8sClient.Create(ctx, configMapPolicy(afterBroken, localNS, arcv1alpha1.EnforcementWarn))).To(Succeed())
			Eventually(func(g Gomega) {
				ps := getPolicySync(g, broken)
				g.Expect(ps.Status.ComplianceState).To(Equal(arcv1alpha1.PolicyError))
				g.Expect(ps.Status.ErrorMessage).To(ContainSubstring("rego_compile_error"))
				g.Expect(apimeta.IsStatusConditionTrue(ps.Status.Conditions, arcv1alpha1.StalledCondition)).To(BeTrue())
				g.Expect(apimeta.FindStatusCondition(ps.Status.Conditions, arcv1alpha1.ReadyCondition).Reason).To(Equal(arcv1alpha1.TemplateErrorReason))
			}, policyWait, policyPoll).Should(Succeed())
			Eventually(func(g Gomega) { policyEnforced(g, afterBroken) }, policyWait, policyPoll).Should(Succeed())
			Expect(getPolicySync(Default, audit).Status.ComplianceState).To(Equal(arcv1alpha1.PolicyCompliant))
		})

		It("deletes its constraint when deleted, and the template with its last user", func() {
			Expect(k8sClient.Delete(ctx, policySyncRef(audit))).To(Succeed())
			Eventually(func() bool { return isGone(namedConstraint(audit)) }, policyWait, policyPoll).Should(BeTrue())
			Expect(isGone(&templatesv1.ConstraintTemplate{ObjectMeta: metav1.ObjectMeta{Name: "k8srequiredlabels"}})).To(BeFalse(),
				"the template is still used by other PolicySyncs")

			agentConnector.Desired(desiredState) // the hub deleted its assignment
			for _, name := range []string{local, afterBroken, broken} {
				Expect(k8sClient.Delete(ctx, policySyncRef(name))).To(Succeed())
			}
			Eventually(func(g Gomega) {
				for _, name := range []string{hubName, local, afterBroken, broken} {
					g.Expect(isGone(policySyncRef(name))).To(BeTrue(), name)
				}
				for _, name := range []string{"k8srequiredlabels", "k8sbrokenlabels"} {
					g.Expect(isGone(&templatesv1.ConstraintTemplate{ObjectMeta: metav1.ObjectMeta{Name: name}})).To(BeTrue(), name)
				}
				g.Expect(isGone(namedConstraint(hubName))).To(BeTrue())
			}, policyWait, policyPoll).Should(Succeed())
			Eventually(func() error { return k8sClient.Create(ctx, unlabelledConfigMap(denyNS, "no-owner")) },
				policyWait, policyPoll).Should(Succeed(), "admission allows again once the constraint is gone")
		})
	})
})
