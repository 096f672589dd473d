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
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// policyValidationNamespace is outside the agent's namespace: the controller enforces nothing
// the validation tests create there.
const policyValidationNamespace = "policy-validation"

func validPolicySync() *arcv1alpha1.PolicySync {
	ps := configMapPolicy("labels", "team-a", arcv1alpha1.EnforcementDeny)
	ps.Namespace = policyValidationNamespace
	return ps
}

var _ = Describe("PolicySync validation", func() {
	BeforeEach(func() {
		Expect(client.IgnoreAlreadyExists(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: policyValidationNamespace}}))).To(Succeed())
	})
	AfterEach(func() {
		Expect(client.IgnoreNotFound(k8sClient.DeleteAllOf(ctx, &arcv1alpha1.PolicySync{}, client.InNamespace(policyValidationNamespace)))).To(Succeed())
	})

	It("defaults the enforcement action to deny, and says a PolicySync outside the agent's namespace is not handled", func() {
		ps := validPolicySync()
		ps.Spec.EnforcementAction = ""
		Expect(k8sClient.Create(ctx, ps)).To(Succeed())
		Expect(ps.Spec.EnforcementAction).To(Equal(arcv1alpha1.EnforcementDeny))
		Eventually(func(g Gomega) {
			got := &arcv1alpha1.PolicySync{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(ps), got)).To(Succeed())
			g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, arcv1alpha1.StalledCondition)).To(BeTrue(), "%+v", got.Status)
			g.Expect(meta.FindStatusCondition(got.Status.Conditions, arcv1alpha1.ReadyCondition).Message).
				To(ContainSubstring("only reconciled in the agent's namespace " + agentNamespace))
			g.Expect(got.Finalizers).To(BeEmpty())
		}, 20*time.Second, 200*time.Millisecond).Should(Succeed())
	})

	DescribeTable("accepts or rejects a spec",
		acceptsOrRejects(validPolicySync),
		Entry("every field set", func(ps *arcv1alpha1.PolicySync) {
			ps.Spec.DefinitionID, ps.Spec.DisplayName, ps.Spec.Message = "/providers/Microsoft.Authorization/policyDefinitions/x", "Labels", "Label it."
			ps.Spec.Match.ExcludedNamespaces = []string{"kube-*"}
			ps.Spec.Match.LabelSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"policy": "on"}}
			ps.Spec.EvaluationRequest = "2026-05-01T10:00:00Z"
		}, ""),
		Entry("every kind of every group", func(ps *arcv1alpha1.PolicySync) {
			ps.Spec.Match.Kinds = []arcv1alpha1.PolicyKinds{{APIGroups: []string{"*"}, Kinds: []string{"*"}}}
		}, ""),
		Entry("no assignment ID", func(ps *arcv1alpha1.PolicySync) { ps.Spec.AssignmentID = "" }, "assignmentId is required"),
		Entry("no template", func(ps *arcv1alpha1.PolicySync) { ps.Spec.Template = "" }, "template is required"),
		Entry("a template that is no ConstraintTemplate", func(ps *arcv1alpha1.PolicySync) { ps.Spec.Template = "kind: ConfigMap" },
			"set it to a Gatekeeper ConstraintTemplate"),
		Entry("an unknown enforcement action", func(ps *arcv1alpha1.PolicySync) { ps.Spec.EnforcementAction = "audit" },
			`supported values: "deny", "dryrun", "warn"`),
		Entry("'*' beside other groups", func(ps *arcv1alpha1.PolicySync) {
			ps.Spec.Match.Kinds[0].APIGroups = []string{"*", "apps"}
		}, "apiGroups may hold '*' only alone"),
		Entry("a namespace that is no namespace name", func(ps *arcv1alpha1.PolicySync) { ps.Spec.Match.Namespaces = []string{"Team_A"} },
			"spec.match.namespaces[0]"),
		Entry("parameters that are no object", func(ps *arcv1alpha1.PolicySync) {
			ps.Spec.Parameters = &apiextensionsv1.JSON{Raw: []byte(`["owner"]`)}
		}, "spec.parameters: Invalid value"),
		Entry("a name too long to label the constraint", func(ps *arcv1alpha1.PolicySync) { ps.Name = strings.Repeat("p", 64) },
			"a PolicySync's name is at most 63 characters"),
	)
})
