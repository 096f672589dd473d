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
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

const validResourceID = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-edge.eu_1/providers/Microsoft.Kubernetes/connectedClusters/store-042"

func validArcConnection() *arcv1alpha1.ArcConnection {
	return &arcv1alpha1.ArcConnection{
		ObjectMeta: metav1.ObjectMeta{Name: arcv1alpha1.ArcConnectionName},
		Spec: arcv1alpha1.ArcConnectionSpec{
			HubURL:     "https://hub.example.com:8443",
			ResourceID: validResourceID,
		},
	}
}

var _ = Describe("ArcConnection validation", func() {
	BeforeEach(removeArcConnection) // a spec that ran before may have left one connected

	AfterEach(func() {
		Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, validArcConnection()))).To(Succeed())
		Eventually(func() error {
			return k8sClient.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, &arcv1alpha1.ArcConnection{})
		}).Should(Satisfy(func(err error) bool { return client.IgnoreNotFound(err) == nil && err != nil }))
	})

	It("fills in the defaults of a minimal object", func() {
		Expect(k8sClient.Create(ctx, validArcConnection())).To(Succeed())

		got := &arcv1alpha1.ArcConnection{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, got)).To(Succeed())
		Expect(got.Spec.HeartbeatInterval.Duration).To(Equal(30 * time.Second))
		Expect(got.Spec.AgentKeySecretRef.Name).To(Equal("kubearc-agent-key"))
		Expect(got.Spec.AgentUpgrade.AutoUpgrade).To(Equal(ptr.To(true)))
		Expect(got.Spec.AgentUpgrade.ReleaseTrain).To(Equal("Stable"))
		Expect(got.Spec.ClusterConnect.Enabled).To(BeFalse())
	})

	DescribeTable("accepts or rejects a spec",
		acceptsOrRejects(validArcConnection),
		Entry("every field set", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.AgentKeySecretRef = &arcv1alpha1.SecretReference{Name: "agent-key"}
			o.Spec.HubCASecretRef = &arcv1alpha1.SecretReference{Name: "hub-ca"}
			o.Spec.HeartbeatInterval = &metav1.Duration{Duration: time.Minute}
			o.Spec.Proxy = &arcv1alpha1.ProxySpec{
				HTTPSProxy:  "http://proxy.corp:3128",
				NoProxy:     []string{"10.0.0.0/8", ".svc", "kubernetes.default"},
				CASecretRef: &arcv1alpha1.SecretReference{Name: "proxy-ca"},
			}
			o.Spec.AgentUpgrade = arcv1alpha1.AgentUpgradeSpec{AutoUpgrade: ptr.To(false), ReleaseTrain: "Preview"}
			o.Spec.ClusterConnect.Enabled = true
		}, ""),
		Entry("lower-case ARM segments in the resource ID", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.ResourceID = "/subscriptions/sub1/resourcegroups/rg1/providers/microsoft.kubernetes/connectedclusters/c1"
		}, ""),
		Entry("a heartbeat of exactly 10s", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HeartbeatInterval = &metav1.Duration{Duration: 10 * time.Second}
		}, ""),
		Entry("a name other than default", func(o *arcv1alpha1.ArcConnection) {
			o.Name = "prod"
		}, "an ArcConnection must be named 'default'"),
		Entry("an http hub URL", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURL = "http://hub.example.com"
		}, "hubURL must be an https URL with a host"),
		Entry("a hub URL without a host", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURL = "https://"
		}, "hubURL must be an https URL with a host"),
		Entry("a hub URL that is not a URL", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURL = "hub.example.com"
		}, "hubURL must be an https URL with a host"),
		Entry("further hub URLs", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURLs = []string{"https://hub-1.example.com:8443", "https://10.0.0.12:8443"}
		}, ""),
		Entry("an http second hub URL", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURLs = []string{"https://hub-1.example.com:8443", "http://hub-2.example.com"}
		}, "each of hubURLs must be an https URL with a host, for example https://hub-1.example.com:8443"),
		Entry("a second hub URL that is not a URL", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURLs = []string{"hub-1.example.com"}
		}, "each of hubURLs must be an https URL with a host"),
		Entry("a hub URL twice in hubURLs", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURLs = []string{"https://hub-1.example.com:8443", "https://hub-1.example.com:8443"}
		}, "Duplicate value"),
		Entry("hubURL repeated in hubURLs", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURLs = []string{o.Spec.HubURL}
		}, "hubURLs must not repeat hubURL"),
		Entry("more than 8 further hub URLs", func(o *arcv1alpha1.ArcConnection) {
			for i := range 9 {
				o.Spec.HubURLs = append(o.Spec.HubURLs, fmt.Sprintf("https://hub-%d.example.com", i))
			}
		}, "must have at most 8 items"),
		Entry("a hub URL with a user and password", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURL = "https://agent:s3cret@hub.example.com:8443"
		}, "hubURL must not hold a user name or password (https://user:password@host): remove them"),
		Entry("a hub URL with a user only", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURL = "https://agent@hub.example.com"
		}, "hubURL must not hold a user name or password"),
		Entry("a further hub URL with a user and password", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURLs = []string{"https://hub-1.example.com:8443", "https://agent:s3cret@10.0.0.12:8443"}
		}, "each of hubURLs must be without a user name or password (https://user:password@host): remove them"),
		Entry("an @ in a hub URL's path", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubURL = "https://hub.example.com:8443/tenant@eu"
			o.Spec.HubURLs = []string{"https://10.0.0.12:8443/tenant@eu"}
		}, ""),
		Entry("a resource ID of another provider", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.ResourceID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1"
		}, "resourceID must look like /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Kubernetes/connectedClusters/{name}"),
		Entry("a resource ID without a resource group", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.ResourceID = "/subscriptions/s/providers/Microsoft.Kubernetes/connectedClusters/c1"
		}, "resourceID must look like"),
		Entry("a resource ID with a trailing slash", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.ResourceID = validResourceID + "/"
		}, "resourceID must look like"),
		Entry("a cluster name that ends in a dash", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.ResourceID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1-"
		}, "resourceID must look like"),
		Entry("a heartbeat below 10s", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HeartbeatInterval = &metav1.Duration{Duration: 5 * time.Second}
		}, "heartbeatInterval must be at least 10s"),
		Entry("a proxy URL without a scheme", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.Proxy = &arcv1alpha1.ProxySpec{HTTPSProxy: "proxy.corp:3128"}
		}, "proxy.httpsProxy must be an http or https URL with a host"),
		Entry("a socks proxy URL", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.Proxy = &arcv1alpha1.ProxySpec{HTTPSProxy: "socks5://proxy.corp:1080"}
		}, "proxy.httpsProxy must be an http or https URL with a host"),
		Entry("an empty no-proxy entry", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.Proxy = &arcv1alpha1.ProxySpec{HTTPSProxy: "http://proxy.corp:3128", NoProxy: []string{""}}
		}, "spec.proxy.noProxy[0]"),
		Entry("a release train with spaces", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.AgentUpgrade.ReleaseTrain = "my train"
		}, "spec.agentUpgrade.releaseTrain"),
		Entry("a Secret reference that is not a Secret name", func(o *arcv1alpha1.ArcConnection) {
			o.Spec.HubCASecretRef = &arcv1alpha1.SecretReference{Name: "Hub_CA"}
		}, "spec.hubCASecretRef.name"),
	)

	It("rejects a heartbeat interval that is not a duration", func() {
		obj := validArcConnection()
		u := map[string]any{
			"apiVersion": arcv1alpha1.GroupVersion.String(), "kind": "ArcConnection",
			"metadata": map[string]any{"name": obj.Name},
			"spec":     map[string]any{"hubURL": obj.Spec.HubURL, "resourceID": obj.Spec.ResourceID, "heartbeatInterval": "often"},
		}
		err := k8sClient.Create(ctx, &unstructured.Unstructured{Object: u})
		Expect(err).To(MatchError(ContainSubstring("spec.heartbeatInterval")))
	})

	It("keeps the resource ID immutable", func() {
		obj := validArcConnection()
		Expect(k8sClient.Create(ctx, obj)).To(Succeed())

		// Merge patches: the controller writes the status meanwhile.
		base := obj.DeepCopy()
		obj.Spec.ResourceID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/other"
		Expect(k8sClient.Patch(ctx, obj, client.MergeFrom(base))).To(MatchError(ContainSubstring("resourceID is immutable")))

		obj = base.DeepCopy()
		obj.Spec.HeartbeatInterval = &metav1.Duration{Duration: 45 * time.Second}
		Expect(k8sClient.Patch(ctx, obj, client.MergeFrom(base))).To(Succeed())
	})

	It("shows the documented fields in kubectl explain", func() {
		out, err := kubectl("explain", "arcconnection.spec")
		Expect(err).NotTo(HaveOccurred())
		for _, want := range []string{
			"hubURL", "base URL of the kubearc hub",
			"resourceID", "ARM ID of the connectedCluster",
			"agentKeySecretRef", "hubCASecretRef", "heartbeatInterval", "proxy",
			"agentUpgrade", "clusterConnect",
		} {
			Expect(out).To(ContainSubstring(want))
		}
	})

	It("shows the print columns in kubectl get", func() {
		Expect(k8sClient.Create(ctx, validArcConnection())).To(Succeed())
		out, err := kubectl("get", "arcconn")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(MatchRegexp(`NAME\s+CONNECTIVITY\s+KUBERNETES\s+NODES\s+AGENT\s+READY\s+AGE`))
		Expect(out).To(ContainSubstring("default"))
	})
})
