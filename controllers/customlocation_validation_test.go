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

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// locationValidationNamespace is outside the agent's namespace: the controller makes nothing
// for the locations the validation tests create there.
const locationValidationNamespace = "location-validation"

func validCustomLocation() *arcv1alpha1.CustomLocation {
	return &arcv1alpha1.CustomLocation{
		ObjectMeta: metav1.ObjectMeta{Name: "valid", Namespace: locationValidationNamespace},
		Spec:       arcv1alpha1.CustomLocationSpec{LocationID: "local-a", Namespace: "apps-east", ClusterRoles: []string{"ext:operator"}},
	}
}

var _ = Describe("CustomLocation validation", func() {
	BeforeEach(func() {
		Expect(client.IgnoreAlreadyExists(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: locationValidationNamespace}}))).To(Succeed())
	})
	AfterEach(func() {
		Expect(client.IgnoreNotFound(k8sClient.DeleteAllOf(ctx, &arcv1alpha1.CustomLocation{}, client.InNamespace(locationValidationNamespace)))).To(Succeed())
	})

	DescribeTable("says what to fix", acceptsOrRejects(validCustomLocation),
		Entry("a valid location", func(*arcv1alpha1.CustomLocation) {}, ""),
		Entry("no locationId", func(cl *arcv1alpha1.CustomLocation) { cl.Spec.LocationID = "" }, "locationId is required"),
		Entry("a namespace that is no DNS label", func(cl *arcv1alpha1.CustomLocation) { cl.Spec.Namespace = "Apps_East" }, "namespace must be a DNS label"),
		Entry("kube-system", func(cl *arcv1alpha1.CustomLocation) { cl.Spec.Namespace = "kube-system" }, "must not be kube-system"),
		Entry("a ClusterRole name with a slash", func(cl *arcv1alpha1.CustomLocation) { cl.Spec.ClusterRoles = []string{"a/b"} }, "clusterRoles must be ClusterRole names"),
		Entry("a name too long for a label", func(cl *arcv1alpha1.CustomLocation) { cl.Name = strings.Repeat("a", 64) }, "at most 63 characters"),
	)

	It("keeps the namespace as it was created", func() {
		cl := validCustomLocation()
		Expect(k8sClient.Create(ctx, cl)).To(Succeed())
		patch := client.MergeFrom(cl.DeepCopy())
		cl.Spec.Namespace = "apps-west"
		Expect(k8sClient.Patch(ctx, cl, patch)).To(MatchError(ContainSubstring("namespace cannot change")))
	})
})
