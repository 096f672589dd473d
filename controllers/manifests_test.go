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
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// The manifests a user applies by hand must be accepted by a real API server.
var _ = Describe("The manifests in config/", func() {
	It("install the agent's CRDs, RBAC and Deployment with kubectl apply -k", func() {
		out, err := kubectl("apply", "--server-side", "--force-conflicts", "-k", "../config/default")
		Expect(err).NotTo(HaveOccurred())
		for _, want := range []string{
			"customresourcedefinition.apiextensions.k8s.io/arcconnections.arc.kubearc.io",
			"namespace/kubearc-system",
			"serviceaccount/kubearc-agent",
			"clusterrole.rbac.authorization.k8s.io/kubearc-agent",
			"deployment.apps/kubearc-agent",
		} {
			Expect(out).To(ContainSubstring(want))
		}
	})

	It("include a sample ArcConnection that validates", func() {
		removeArcConnection() // a spec that ran before may have left one being finalized
		out, err := kubectl("apply", "-k", "../config/samples")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring("arcconnection.arc.kubearc.io/default created"))

		sample := &arcv1alpha1.ArcConnection{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, sample)).To(Succeed())
		Expect(sample.Spec.ClusterConnect.Enabled).To(BeTrue())
		removeArcConnection()
	})
})
