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
	"net/http"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlite"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const (
	locationsID = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/edge/providers/Microsoft.ExtendedLocation/customLocations/"
	// operatorRole is what an extension's chart would install for its operator: it may
	// manage ConfigMaps, nothing else.
	operatorRole = "cl-test-operator"
	// lateRole is a ClusterRole an extension installs after the location was created.
	lateRole = "cl-test-late"
)

// locationObject is the hub's desired object of the custom location name.
func locationObject(name, rv, namespace string, deleteNamespace bool, roles ...string) protocol.DesiredObject {
	raw, err := json.Marshal(protocol.CustomLocationSpec{LocationID: locationsID + name, Namespace: namespace,
		ClusterRoles: roles, DeleteNamespace: deleteNamespace})
	Expect(err).NotTo(HaveOccurred())
	return protocol.DesiredObject{Kind: protocol.KindCustomLocation, Name: protocol.CustomLocationName(locationsID + name), ResourceVersion: rv, Spec: raw}
}

// forgetHubLocations removes the custom locations of earlier specs from the hub's desired
// state, so that the hub keeps the statuses of this spec's only.
func forgetHubLocations() {
	st, err := sqlite.Open(ctx, filepath.Join(hub.DataDir, "hub.db"))
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = st.Close() }()
	state, err := st.DesiredState(ctx, connectedPath)
	Expect(err).NotTo(HaveOccurred())
	var changes []store.DesiredChange
	for _, old := range state.Items {
		if old.Kind == protocol.KindCustomLocation {
			changes = append(changes, store.DesiredChange{ClusterID: connectedPath, Kind: old.Kind, Name: old.Name, Delete: true})
		}
	}
	if len(changes) > 0 {
		Expect(st.PutDesired(ctx, nil, changes...)).To(Succeed())
	}
}

// hubLocation returns the status the hub stored for the custom location object name.
func hubLocation(g Gomega, name string) protocol.CustomLocationStatus {
	st, err := sqlite.Open(ctx, filepath.Join(hub.DataDir, "hub.db"))
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = st.Close() }()
	list, err := st.ListStatuses(ctx, connectedPath)
	g.Expect(err).NotTo(HaveOccurred())
	var out protocol.CustomLocationStatus
	for _, s := range list {
		if s.Kind == protocol.KindCustomLocation && s.Name == name {
			g.Expect(json.Unmarshal(s.Status, &out)).To(Succeed())
		}
	}
	return out
}

func getLocation(g Gomega, name string) *arcv1alpha1.CustomLocation {
	cl := &arcv1alpha1.CustomLocation{}
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: name}, cl)).To(Succeed())
	return cl
}

// identityBindings are the names of the RoleBindings for the custom-location identity in
// namespace.
func identityBindings(g Gomega, namespace string) []string {
	list := &rbacv1.RoleBindingList{}
	g.Expect(k8sClient.List(ctx, list, client.InNamespace(namespace))).To(Succeed())
	var out []string
	for _, rb := range list.Items {
		for _, s := range rb.Subjects {
			if s.Kind == rbacv1.UserKind && s.Name == protocol.CustomLocationIdentity {
				out = append(out, rb.Name+"→"+rb.RoleRef.Name)
			}
		}
	}
	return out
}

// identityMay asks the API server whether the custom-location identity may do verb on
// resource (group "" unless given) in namespace ("" for cluster scope).
func identityMay(verb, group, resource, namespace string) bool {
	sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User:               protocol.CustomLocationIdentity,
		ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: verb, Group: group, Resource: resource, Namespace: namespace},
	}}
	out, err := clientset.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	return out.Status.Allowed
}

func clusterRole(name string, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
}

var configMapRights = rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"},
	Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"}}

var _ = Describe("CustomLocation", Ordered, func() {
	const ns = "cl-apps"
	loc := protocol.CustomLocationName(locationsID + "apps")
	crName := loc // the hub's name is a valid CR name already

	BeforeAll(func() {
		if ensureConnected() {
			DeferCleanup(func() {
				removeArcConnection()
				hub.cluster(http.MethodDelete, nil)
			})
		}
		forgetHubLocations()
		Expect(client.IgnoreAlreadyExists(k8sClient.Create(ctx, clusterRole(operatorRole, configMapRights)))).To(Succeed())
	})

	It("makes the namespace, labelled for the location, and binds the identity to the location's ClusterRole", func() {
		desire(locationObject("apps", "1", ns, false, operatorRole))
		eventually(func(g Gomega) {
			g.Expect(meta.IsStatusConditionTrue(getLocation(g, crName).Status.Conditions, arcv1alpha1.ReadyCondition)).To(BeTrue())
			g.Expect(hubLocation(g, loc).ProvisioningState).To(Equal(protocol.ProvisioningSucceeded))
		}).Should(Succeed())
		namespace := &corev1.Namespace{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: ns}, namespace)).To(Succeed())
		Expect(namespace.Labels).To(HaveKeyWithValue(arcv1alpha1.CustomLocationLabel, crName))
		Expect(namespace.Annotations).To(HaveKeyWithValue(arcv1alpha1.CustomLocationIDAnnotation, locationsID+"apps"))
		Expect(identityBindings(Default, ns)).To(ConsistOf("kubearc-custom-location-" + operatorRole + "→" + operatorRole))
		status := hubLocation(Default, loc)
		Expect(status.Namespace).To(Equal(ns))
		Expect(status.RoleBindings).To(ConsistOf("kubearc-custom-location-" + operatorRole))
	})

	It("confines the identity to what the ClusterRole allows in the location's namespace", func() {
		Expect(client.IgnoreAlreadyExists(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "cl-elsewhere"}}))).To(Succeed())
		for _, verb := range []string{"get", "list", "create", "update", "delete"} {
			Expect(identityMay(verb, "", "configmaps", ns)).To(BeTrue(), "%s configmaps in %s", verb, ns)
		}
		denied := []struct{ verb, group, resource, namespace string }{
			{"get", "", "configmaps", "cl-elsewhere"},
			{"create", "", "configmaps", "default"},
			{"list", "", "configmaps", ""},
			{"get", "", "secrets", ns},
			{"get", "", "secrets", agentNamespace},
			{"list", "", "secrets", "kube-system"},
			{"create", "", "pods", ns},
			{"get", "", "namespaces", ""},
			{"delete", "", "namespaces", ""},
			{"list", "rbac.authorization.k8s.io", "clusterroles", ""},
			{"create", "rbac.authorization.k8s.io", "rolebindings", ns},
			{"create", "rbac.authorization.k8s.io", "clusterrolebindings", ""},
			{"get", "arc.kubearc.io", "customlocations", agentNamespace},
		}
		for _, d := range denied {
			Expect(identityMay(d.verb, d.group, d.resource, d.namespace)).To(BeFalse(), "%s %s/%s in %q", d.verb, d.group, d.resource, d.namespace)
		}
	})

	It("waits for a ClusterRole that does not exist yet, saying so, and binds it once it appears", func() {
		desire(locationObject("apps", "2", ns, false, operatorRole, lateRole))
		eventually(func(g Gomega) {
			ready := meta.FindStatusCondition(getLocation(g, crName).Status.Conditions, arcv1alpha1.ReadyCondition)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Reason).To(Equal(arcv1alpha1.ClusterRoleNotFoundReason))
			g.Expect(ready.Message).To(ContainSubstring(lateRole))
			status := hubLocation(g, loc)
			g.Expect(status.ProvisioningState).To(Equal(protocol.ProvisioningFailed))
			g.Expect(status.ErrorMessage).To(ContainSubstring(lateRole))
		}).Should(Succeed())
		Expect(identityBindings(Default, ns)).To(ConsistOf("kubearc-custom-location-" + operatorRole + "→" + operatorRole))

		Expect(k8sClient.Create(ctx, clusterRole(lateRole, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"services"}, Verbs: []string{"get"}}))).To(Succeed())
		eventually(func(g Gomega) {
			g.Expect(identityBindings(g, ns)).To(ConsistOf("kubearc-custom-location-"+operatorRole+"→"+operatorRole, "kubearc-custom-location-"+lateRole+"→"+lateRole))
			g.Expect(hubLocation(g, loc).ProvisioningState).To(Equal(protocol.ProvisioningSucceeded))
		}).Should(Succeed())
		Expect(identityMay("get", "", "services", ns)).To(BeTrue())
	})

	It("removes the binding of a ClusterRole the spec no longer has", func() {
		desire(locationObject("apps", "3", ns, false, lateRole))
		eventually(func(g Gomega) {
			g.Expect(identityBindings(g, ns)).To(ConsistOf("kubearc-custom-location-" + lateRole + "→" + lateRole))
			g.Expect(hubLocation(g, loc).RoleBindings).To(ConsistOf("kubearc-custom-location-" + lateRole))
		}).Should(Succeed())
		Expect(identityMay("create", "", "configmaps", ns)).To(BeFalse())
	})

	It("refuses a second location on the namespace of another", func() {
		other := protocol.CustomLocationName(locationsID + "intruder")
		desire(locationObject("apps", "3", ns, false, lateRole), locationObject("intruder", "4", ns, false, operatorRole))
		eventually(func(g Gomega) {
			ready := meta.FindStatusCondition(getLocation(g, other).Status.Conditions, arcv1alpha1.ReadyCondition)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Reason).To(Equal(arcv1alpha1.NamespaceInUseReason))
			g.Expect(ready.Message).To(ContainSubstring(crName))
			g.Expect(hubLocation(g, other).ProvisioningState).To(Equal(protocol.ProvisioningFailed))
		}).Should(Succeed())
		Expect(identityBindings(Default, ns)).To(ConsistOf("kubearc-custom-location-" + lateRole + "→" + lateRole))
	})

	It("removes the bindings of a deleted location and leaves its namespace, released", func() {
		desire()
		eventually(func(g Gomega) {
			g.Expect(identityBindings(g, ns)).To(BeEmpty())
			g.Expect(hubLocation(g, loc).ProvisioningState).To(BeEmpty(), "the agent's Deleted report removes the hub's status")
			err := k8sClient.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: crName}, &arcv1alpha1.CustomLocation{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
		}).Should(Succeed())
		namespace := &corev1.Namespace{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: ns}, namespace)).To(Succeed())
		Expect(namespace.DeletionTimestamp).To(BeNil())
		Expect(namespace.Labels).NotTo(HaveKey(arcv1alpha1.CustomLocationLabel))
		Expect(identityMay("get", "", "services", ns)).To(BeFalse())
	})

	It("deletes the namespace of a deleted location that asks for it", func() {
		scratch := protocol.CustomLocationName(locationsID + "scratch")
		desire(locationObject("scratch", "5", "cl-scratch", true, lateRole))
		eventually(func(g Gomega) {
			g.Expect(hubLocation(g, scratch).ProvisioningState).To(Equal(protocol.ProvisioningSucceeded))
		}).Should(Succeed())
		desire()
		eventually(func(g Gomega) {
			g.Expect(hubLocation(g, scratch).ProvisioningState).To(BeEmpty(), "the agent's Deleted report removes the hub's status")
			namespace := &corev1.Namespace{}
			err := k8sClient.Get(ctx, client.ObjectKey{Name: "cl-scratch"}, namespace)
			// envtest runs no namespace controller: a deleted namespace stays Terminating.
			g.Expect(apierrors.IsNotFound(err) || !namespace.DeletionTimestamp.IsZero()).To(BeTrue())
		}).Should(Succeed())
	})

	It("releases, and never deletes, a namespace it adopted, though the location asks for its deletion", func() {
		const adopted = "cl-adopted"
		Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: adopted}})).To(Succeed())
		owner := protocol.CustomLocationName(locationsID + "adopter")
		desire(locationObject("adopter", "6", adopted, true, lateRole))
		eventually(func(g Gomega) {
			g.Expect(hubLocation(g, owner).ProvisioningState).To(Equal(protocol.ProvisioningSucceeded))
		}).Should(Succeed())
		desire()
		eventually(func(g Gomega) {
			g.Expect(hubLocation(g, owner).ProvisioningState).To(BeEmpty(), "the agent's Deleted report removes the hub's status")
		}).Should(Succeed())
		namespace := &corev1.Namespace{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: adopted}, namespace)).To(Succeed())
		Expect(namespace.DeletionTimestamp).To(BeNil())
		Expect(namespace.Labels).NotTo(HaveKey(arcv1alpha1.CustomLocationLabel))
		Expect(namespace.Annotations).NotTo(HaveKey(arcv1alpha1.CustomLocationIDAnnotation))
	})

	It("makes a location applied in the cluster and reports it to the hub as cluster-owned", func() {
		local := &arcv1alpha1.CustomLocation{ObjectMeta: metav1.ObjectMeta{Name: "cl-local", Namespace: agentNamespace},
			Spec: arcv1alpha1.CustomLocationSpec{LocationID: "local-team-a", Namespace: "cl-team-a", ClusterRoles: []string{operatorRole}}}
		Expect(k8sClient.Create(ctx, local)).To(Succeed())
		Eventually(func(g Gomega) {
			status := hubLocation(g, "cl-local")
			g.Expect(status.ProvisioningState).To(Equal(protocol.ProvisioningSucceeded))
			g.Expect(status.ClusterOwned).NotTo(BeNil())
			g.Expect(status.ClusterOwned.Namespace).To(Equal("cl-team-a"))
		}, 60*time.Second, 250*time.Millisecond).Should(Succeed())
		Expect(identityMay("create", "", "configmaps", "cl-team-a")).To(BeTrue())
		Expect(k8sClient.Delete(ctx, local)).To(Succeed())
		Eventually(func(g Gomega) { g.Expect(identityBindings(g, "cl-team-a")).To(BeEmpty()) }, 30*time.Second, 250*time.Millisecond).Should(Succeed())
		Expect(identityMay("create", "", "configmaps", "cl-team-a")).To(BeFalse())
	})
})
