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
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// validationNamespace is outside the agent's namespace: the controller does not install
// what the validation tests create there.
const validationNamespace = "ext-validation"

func validExtension() *arcv1alpha1.Extension {
	return &arcv1alpha1.Extension{
		ObjectMeta: metav1.ObjectMeta{Namespace: validationNamespace, Name: "flux"},
		Spec: arcv1alpha1.ExtensionSpec{ExtensionType: "flux", Version: "2.4.0",
			Chart: arcv1alpha1.ChartReference{Repository: "https://charts.example.com/flux", Name: "flux2", Version: "2.14.0"}},
	}
}

var _ = Describe("Extension validation", func() {
	BeforeEach(func() {
		Expect(client.IgnoreAlreadyExists(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: validationNamespace}}))).To(Succeed())
	})
	AfterEach(func() {
		Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, validExtension()))).To(Succeed())
		Eventually(func() error {
			return k8sClient.Get(ctx, client.ObjectKeyFromObject(validExtension()), &arcv1alpha1.Extension{})
		}, 10*time.Second).Should(Satisfy(func(err error) bool { return client.IgnoreNotFound(err) == nil && err != nil }))
	})

	It("defaults the scope to cluster, and says an Extension outside the agent's namespace is not handled", func() {
		Expect(k8sClient.Create(ctx, validExtension())).To(Succeed())
		got := &arcv1alpha1.Extension{}
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(validExtension()), got)).To(Succeed())
		Expect(got.Spec.Scope).To(Equal(arcv1alpha1.ExtensionScopeCluster))
		Eventually(func(g Gomega) {
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(validExtension()), got)).To(Succeed())
			g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, arcv1alpha1.StalledCondition)).To(BeTrue(), "%+v", got.Status)
			g.Expect(got.Status.Message).To(ContainSubstring("create it in namespace " + agentNamespace))
		}, 20*time.Second, 200*time.Millisecond).Should(Succeed())
	})

	DescribeTable("accepts or rejects a spec",
		acceptsOrRejects(validExtension),
		Entry("every field set", func(e *arcv1alpha1.Extension) {
			e.Spec.ReleaseTrain, e.Spec.AutoUpgradeMinorVersion = "stable", true
			e.Spec.Scope, e.Spec.Namespace = arcv1alpha1.ExtensionScopeNamespace, "team-a"
			e.Spec.ConfigurationSettings = map[string]string{"image.tag": "v2"}
			e.Spec.ProtectedSettingsSecretRef = &arcv1alpha1.SecretReference{Name: "flux-protected"}
		}, ""),
		Entry("an OCI repository", func(e *arcv1alpha1.Extension) { e.Spec.Chart.Repository = "oci://ghcr.io/fluxcd/charts" }, ""),
		Entry("a repository that is no URL", func(e *arcv1alpha1.Extension) { e.Spec.Chart.Repository = "charts.example.com" },
			"chart.repository must be an http(s) chart repository URL"),
		Entry("namespace scope without a namespace", func(e *arcv1alpha1.Extension) { e.Spec.Scope = arcv1alpha1.ExtensionScopeNamespace },
			"namespace is required when scope is namespace"),
		Entry("an unknown scope", func(e *arcv1alpha1.Extension) { e.Spec.Scope = "galaxy" }, `supported values: "cluster", "namespace"`),
		Entry("a namespace that is no namespace name", func(e *arcv1alpha1.Extension) { e.Spec.Namespace = "Team_A" },
			"namespace must be a Kubernetes namespace name"),
		Entry("no chart version", func(e *arcv1alpha1.Extension) { e.Spec.Chart.Version = "" }, "spec.chart.version"),
	)

	It("keeps scope and namespace as they were created", func() {
		obj := validExtension()
		obj.Spec.Namespace = "flux-system"
		Expect(k8sClient.Create(ctx, obj)).To(Succeed())

		moved := obj.DeepCopy()
		moved.Spec.Namespace = "elsewhere"
		Expect(k8sClient.Patch(ctx, moved, client.MergeFrom(obj))).To(MatchError(ContainSubstring("namespace is immutable")))

		rescoped := obj.DeepCopy()
		rescoped.Spec.Scope, rescoped.Spec.Namespace = arcv1alpha1.ExtensionScopeNamespace, "flux-system"
		Expect(k8sClient.Patch(ctx, rescoped, client.MergeFrom(obj))).To(MatchError(ContainSubstring("scope is immutable")))
	})
})
