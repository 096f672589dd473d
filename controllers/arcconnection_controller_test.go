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
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agentkey"
	"github.com/kubearc/kubearc/internal/connection"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
)

const connectedPath = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/edge/providers/Microsoft.Kubernetes/connectedClusters/envtest-1"

func node(name string, labels map[string]string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec:       corev1.NodeSpec{ProviderID: "k3s://" + name},
	}
}

// setCapacity gives a node its CPU capacity, as a kubelet would report it.
func setCapacity(n *corev1.Node, cpu string) {
	n.Status.Capacity = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}
	Expect(k8sClient.Status().Update(ctx, n)).To(Succeed())
}

// onboard does what arcctl connectedk8s connect does: the key in the cluster, the cluster on
// the hub with the key's public half, the hub CA, then the ArcConnection, changed by edit.
func onboard(interval time.Duration, edit ...func(*arcv1alpha1.ArcConnectionSpec)) {
	removeArcConnection() // whatever spec ran before, the cluster is onboarded afresh
	status, body := putCluster()
	Expect(status).To(BeElementOf(http.StatusCreated, http.StatusOK), "%v", body)
	Expect(client.IgnoreAlreadyExists(k8sClient.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: agentNamespace, Name: "kubearc-hub-ca"},
		Data:       map[string][]byte{"ca.crt": hub.CAPEM},
	}))).To(Succeed())
	obj := &arcv1alpha1.ArcConnection{
		ObjectMeta: metav1.ObjectMeta{Name: arcv1alpha1.ArcConnectionName},
		Spec: arcv1alpha1.ArcConnectionSpec{HubURL: hub.URL, ResourceID: connectedPath,
			HubCASecretRef:    &arcv1alpha1.SecretReference{Name: "kubearc-hub-ca"},
			HeartbeatInterval: &metav1.Duration{Duration: interval}},
	}
	for _, e := range edit {
		e(&obj.Spec)
	}
	Expect(k8sClient.Create(ctx, obj)).To(Succeed())
}

// putCluster puts the cluster on the hub with the public half of the agent's key, made
// when missing, and returns the hub's answer.
func putCluster() (int, map[string]any) {
	GinkgoHelper()
	id, err := agentkey.Ensure(ctx, k8sClient, client.ObjectKey{Namespace: agentNamespace, Name: "kubearc-agent-key"})
	Expect(err).NotTo(HaveOccurred())
	pub, err := agentpubkey.Encode(id.Key.Public())
	Expect(err).NotTo(HaveOccurred())
	return hub.cluster(http.MethodPut, map[string]any{
		"location": "westeurope", "identity": map[string]any{"type": "SystemAssigned"},
		"properties": map[string]any{"agentPublicKeyCertificate": pub},
	})
}

func arcConnection() *arcv1alpha1.ArcConnection {
	obj := &arcv1alpha1.ArcConnection{}
	Expect(k8sClient.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, obj)).To(Succeed())
	return obj
}

func condition(obj *arcv1alpha1.ArcConnection, t string) metav1.Condition {
	if c := meta.FindStatusCondition(obj.Status.Conditions, t); c != nil {
		return *c
	}
	return metav1.Condition{}
}

var _ = Describe("ArcConnection controller", Ordered, func() {
	var nodes []*corev1.Node

	BeforeAll(func() {
		for _, n := range []struct{ name, cpu string }{{"n1", "2"}, {"n2", "4"}, {"n3", "1500m"}} {
			nd := node(n.name, map[string]string{"node.kubernetes.io/instance-type": "k3s"})
			Expect(k8sClient.Create(ctx, nd)).To(Succeed())
			setCapacity(nd, n.cpu)
			nodes = append(nodes, nd)
		}
		onboard(10 * time.Second)
	})

	AfterAll(func() {
		removeArcConnection()
		for _, n := range nodes {
			Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, n))).To(Succeed())
		}
		hub.cluster(http.MethodDelete, nil)
	})

	It("registers, heartbeats and reports the cluster", func() {
		Eventually(func(g Gomega) {
			obj := arcConnection()
			g.Expect(condition(obj, arcv1alpha1.ReadyCondition).Status).To(Equal(metav1.ConditionTrue), "%+v", obj.Status.Conditions)
			g.Expect(condition(obj, arcv1alpha1.RegisteredCondition).Reason).To(Equal(arcv1alpha1.RegisteredReason))
			g.Expect(condition(obj, arcv1alpha1.ConnectedCondition).Reason).To(Equal(arcv1alpha1.HeartbeatSucceededReason))
			g.Expect(obj.Status.ConnectivityStatus).To(Equal(arcv1alpha1.ConnectivityConnected))
			g.Expect(obj.Status.Metadata.KubernetesVersion).To(Equal("v1.37.2"))
			g.Expect(obj.Status.Metadata.NodeCount).To(BeEquivalentTo(3))
			g.Expect(obj.Status.Metadata.VCPUCount).To(BeEquivalentTo(8))
			g.Expect(obj.Status.LastHeartbeatTime).NotTo(BeNil())
			g.Expect(obj.Status.ClientCertificateExpirationTime).NotTo(BeNil())
			g.Expect(obj.Status.ObservedGeneration).To(Equal(obj.Generation))
		}, 30*time.Second, 200*time.Millisecond).Should(Succeed())

		_, body := hub.cluster(http.MethodGet, nil)
		props := body["properties"].(map[string]any)
		Expect(props["connectivityStatus"]).To(Equal("Connected"))
		Expect(props["kubernetesVersion"]).To(Equal("v1.37.2"))
		Expect(props["totalNodeCount"]).To(BeEquivalentTo(3))
		Expect(props["totalCoreCount"]).To(BeEquivalentTo(8))
		Expect(props["agentVersion"]).NotTo(BeEmpty())

		secret := &corev1.Secret{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: "kubearc-agent-key"}, secret)).To(Succeed())
		Expect(secret.Data).To(HaveKey(agentkey.CertificateField), "the client certificate is kept beside the key")
	})

	It("does not register again after an agent restart", func() {
		keyRef := client.ObjectKey{Namespace: agentNamespace, Name: "kubearc-agent-key"}
		before, err := agentkey.Ensure(ctx, k8sClient, keyRef)
		Expect(err).NotTo(HaveOccurred())

		// A fresh Connector is what a restarted agent process starts with.
		restarted := &connection.Connector{Client: k8sClient, Clientset: clientset, Namespace: agentNamespace,
			Recorder: recorder, Wake: make(chan event.GenericEvent, 1), Log: GinkgoLogr}
		defer restarted.Stop()
		obj := arcConnection()
		_, err = restarted.Sync(ctx, obj)
		Expect(err).NotTo(HaveOccurred())
		Expect(condition(obj, arcv1alpha1.ReadyCondition).Status).To(Equal(metav1.ConditionTrue), "%+v", obj.Status.Conditions)

		after, err := agentkey.Ensure(ctx, k8sClient, keyRef)
		Expect(err).NotTo(HaveOccurred())
		Expect(after.CertificatePEM).To(Equal(before.CertificatePEM), "the restarted agent registered again")
		Expect(after.Key.Equal(before.Key)).To(BeTrue())
	})

	It("shows the hub's desired agent version as soon as the hub changes it", func() {
		status, body := hub.cluster(http.MethodPatch, map[string]any{
			"properties": map[string]any{"arcAgentProfile": map[string]any{"desiredAgentVersion": "1.7.0"}},
		})
		Expect(status).To(Equal(http.StatusOK), "%v", body)
		Eventually(func() string { return arcConnection().Status.DesiredAgentVersion }, 10*time.Second, 100*time.Millisecond).Should(Equal("1.7.0"))
	})

	It("reports node changes with the next heartbeat", func() {
		extra := node("n4", nil)
		Expect(k8sClient.Create(ctx, extra)).To(Succeed())
		setCapacity(extra, "2")
		nodes = append(nodes, extra)
		Eventually(func() int32 { return arcConnection().Status.Metadata.NodeCount }, 20*time.Second, 200*time.Millisecond).Should(BeEquivalentTo(4))
		Eventually(func() any {
			_, body := hub.cluster(http.MethodGet, nil)
			return body["properties"].(map[string]any)["totalNodeCount"]
		}, 5*time.Second).Should(BeEquivalentTo(4))
	})

	It("says which Secret is missing", func() {
		obj := arcConnection()
		patch := client.MergeFrom(obj.DeepCopy())
		obj.Spec.HubCASecretRef = &arcv1alpha1.SecretReference{Name: "no-such-ca"}
		Expect(k8sClient.Patch(ctx, obj, patch)).To(Succeed())
		Eventually(func(g Gomega) {
			ready := condition(arcConnection(), arcv1alpha1.ReadyCondition)
			g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(ready.Reason).To(Equal(arcv1alpha1.SecretNotFoundReason))
			g.Expect(ready.Message).To(ContainSubstring("kubearc-system/no-such-ca"))
		}, 10*time.Second, 100*time.Millisecond).Should(Succeed())

		obj = arcConnection()
		patch = client.MergeFrom(obj.DeepCopy())
		obj.Spec.HubCASecretRef = &arcv1alpha1.SecretReference{Name: "kubearc-hub-ca"}
		Expect(k8sClient.Patch(ctx, obj, patch)).To(Succeed())
		Eventually(func() metav1.ConditionStatus { return condition(arcConnection(), arcv1alpha1.ReadyCondition).Status },
			20*time.Second, 200*time.Millisecond).Should(Equal(metav1.ConditionTrue))
	})

	It("says so when the hub no longer knows the cluster, and recovers when it is back", func() {
		hub.cluster(http.MethodDelete, nil)
		Eventually(func(g Gomega) {
			obj := arcConnection()
			g.Expect(condition(obj, arcv1alpha1.ReadyCondition).Status).To(Equal(metav1.ConditionFalse))
			g.Expect(condition(obj, arcv1alpha1.RegisteredCondition).Reason).To(Equal(arcv1alpha1.ClusterNotFoundReason))
			g.Expect(condition(obj, arcv1alpha1.RegisteredCondition).Message).To(ContainSubstring("arcctl connectedk8s connect"))
		}, 30*time.Second, 200*time.Millisecond).Should(Succeed())

		// The cluster comes back on the hub with the same key: the agent registers again by
		// itself, keeping its key.
		status, _ := putCluster()
		Expect(status).To(Equal(http.StatusCreated))
		Eventually(func() metav1.ConditionStatus { return condition(arcConnection(), arcv1alpha1.ReadyCondition).Status },
			40*time.Second, 200*time.Millisecond).Should(Equal(metav1.ConditionTrue))
	})
})

// removeArcConnection deletes the ArcConnection and waits until it is gone (its finalizer
// runs first), so that the next spec starts without one, whatever the specs' order.
func removeArcConnection() {
	obj := &arcv1alpha1.ArcConnection{ObjectMeta: metav1.ObjectMeta{Name: arcv1alpha1.ArcConnectionName}}
	Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, obj))).To(Succeed())
	Eventually(func() bool {
		return apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), obj))
	}, 30*time.Second, 100*time.Millisecond).Should(BeTrue(), "the ArcConnection is still there")
}
