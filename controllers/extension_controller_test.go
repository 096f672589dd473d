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
	"errors"
	"net/http"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlite"
	"github.com/kubearc/kubearc/internal/agentkey"
	"github.com/kubearc/kubearc/internal/connection"
	"github.com/kubearc/kubearc/internal/helm"
	"github.com/kubearc/kubearc/internal/helm/helmtest"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/seal"
)

// agentConnector is the Connector of the agent under test; tests feed its Desired hook with
// hub-shaped desired state.
var agentConnector *connection.Connector

const secretValue = "s3cret-Value-42"

// ensureConnected onboards the cluster unless an ArcConnection exists, waits until the agent
// holds a hub client, and reports whether it onboarded.
func ensureConnected() bool {
	onboarded := false
	err := k8sClient.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, &arcv1alpha1.ArcConnection{})
	if apierrors.IsNotFound(err) {
		onboard(10 * time.Second)
		onboarded = true
	}
	Eventually(agentConnector.HubClient, 30*time.Second, 200*time.Millisecond).ShouldNot(BeNil())
	return onboarded
}

// hubStatus returns what the hub stored for the Extension name, nil when nothing.
func hubStatus(name string) *protocol.ObjectStatus {
	st, err := sqlite.Open(ctx, filepath.Join(hub.DataDir, "hub.db"))
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = st.Close() }()
	list, err := st.ListStatuses(ctx, connectedPath)
	Expect(err).NotTo(HaveOccurred())
	for i := range list {
		if list[i].Kind == protocol.KindExtension && list[i].Name == name {
			return &list[i]
		}
	}
	return nil
}

// hubExtensionState returns the provisioning state and observed resourceVersion the hub
// stored for name.
func hubExtensionState(name string) (state, observed string, status protocol.ExtensionStatus) {
	st := hubStatus(name)
	if st == nil {
		return "", "", status
	}
	Expect(json.Unmarshal(st.Status, &status)).To(Succeed())
	return status.ProvisioningState, st.ObservedResourceVersion, status
}

// extensionObject is the hub's desired object for an extension of the demo chart.
func extensionObject(name, rv, chartVersion string, protected map[string]string) protocol.DesiredObject {
	spec := protocol.ExtensionSpec{ExtensionType: "demo", ReleaseTrain: "stable", Version: "v" + chartVersion,
		Chart: protocol.ChartRef{Repository: chartRepo.URL, Name: "demo", Version: chartVersion},
		Scope: protocol.ScopeCluster, Namespace: "demo-system",
		ConfigurationSettings: map[string]string{"greeting": "hello", "replicas": "3"}}
	if protected != nil {
		id, err := agentkey.Ensure(ctx, k8sClient, client.ObjectKey{Namespace: agentNamespace, Name: "kubearc-agent-key"})
		Expect(err).NotTo(HaveOccurred())
		plain, _ := json.Marshal(protected)
		spec.ProtectedSettings, err = seal.ForAgent(id.Key.Public(), plain)
		Expect(err).NotTo(HaveOccurred())
	}
	raw, err := json.Marshal(spec)
	Expect(err).NotTo(HaveOccurred())
	return protocol.DesiredObject{Kind: protocol.KindExtension, Name: name, ResourceVersion: rv, Spec: raw}
}

// desired is the hub's desired state as the test wants it.
var desiredState = map[string]protocol.DesiredObject{}

// desire hands the agent the hub's whole desired state, as the mirror does, and gives the
// hub the same extensions (the hub keeps the statuses of its own objects only). The hub's
// copy is written beside the running hub, so it wakes no watch: the agent sees the test's
// objects, with the test's resourceVersions, and nothing else.
func desire(objs ...protocol.DesiredObject) {
	desiredState = map[string]protocol.DesiredObject{}
	for _, o := range objs {
		desiredState[o.Kind+"/"+o.Name] = o
	}
	hubDesire(objs)
	agentConnector.Desired(desiredState)
}

// hubDesire makes objs the hub's desired extensions of the test's cluster, when it is
// connected.
func hubDesire(objs []protocol.DesiredObject) {
	st, err := sqlite.Open(ctx, filepath.Join(hub.DataDir, "hub.db"))
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = st.Close() }()
	cluster, err := st.GetResource(ctx, connectedPath)
	if errors.Is(err, store.ErrNotFound) {
		return
	}
	Expect(err).NotTo(HaveOccurred())
	state, err := st.DesiredState(ctx, connectedPath)
	Expect(err).NotTo(HaveOccurred())
	var changes []store.DesiredChange
	for _, old := range state.Items {
		if old.Kind == protocol.KindExtension {
			changes = append(changes, store.DesiredChange{ClusterID: cluster.ID, Kind: old.Kind, Name: old.Name, Delete: true})
		}
	}
	for _, o := range objs {
		changes = append(changes, store.DesiredChange{ClusterID: cluster.ID, Kind: o.Kind, Name: o.Name, Spec: o.Spec})
	}
	_, err = st.PutResource(ctx, cluster, store.IfVersion(cluster.Version), changes...)
	Expect(err).NotTo(HaveOccurred())
}

// eventually is Eventually for the effects of the test's desired state: it hands the state
// over again at each try, since the real hub's mirror, which has not got the test's objects,
// may have delivered its own list in between (once, when the agent registered).
func eventually(check func(g Gomega)) AsyncAssertion {
	return Eventually(func(g Gomega) {
		agentConnector.Desired(desiredState)
		check(g)
	}, 60*time.Second, 250*time.Millisecond)
}

func getExtension(name string) *arcv1alpha1.Extension {
	obj := &arcv1alpha1.Extension{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: name}, obj); err != nil {
		return &arcv1alpha1.Extension{} // not there (yet): no conditions
	}
	return obj
}

func extensionReady(g Gomega, name string) *arcv1alpha1.Extension {
	obj := &arcv1alpha1.Extension{}
	g.Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: name}, obj)).To(Succeed())
	ready := meta.FindStatusCondition(obj.Status.Conditions, arcv1alpha1.ReadyCondition)
	g.Expect(ready).NotTo(BeNil())
	g.Expect(ready.Status).To(Equal(metav1.ConditionTrue), "%+v", obj.Status)
	g.Expect(obj.Status.ObservedGeneration).To(Equal(obj.Generation))
	return obj
}

func configMapData(namespace, name string) map[string]string {
	cm := &corev1.ConfigMap{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, cm); err != nil {
		return nil
	}
	return cm.Data
}

var chartRepo *helmtest.Repo

var _ = Describe("Extension controller", Ordered, func() {
	var onboarded bool

	BeforeAll(func() {
		var err error
		chartRepo, err = helmtest.NewRepo(GinkgoT().TempDir(),
			helmtest.ConfigMapChart("demo", "0.1.0", false), helmtest.ConfigMapChart("demo", "0.2.0", false),
			helmtest.ConfigMapChart("demo", "0.3.0", true),
			helmtest.ConfigMapChart("kubearc-agent", "1.0.0", false), helmtest.ConfigMapChart("kubearc-agent", "1.1.0", false))
		Expect(err).NotTo(HaveOccurred())
		onboarded = ensureConnected()
	})

	AfterAll(func() {
		desire()
		for _, name := range []string{"demo", "local-demo", "broken"} {
			_ = k8sClient.Delete(ctx, &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: agentNamespace, Name: name}})
		}
		Eventually(func() int {
			list := &arcv1alpha1.ExtensionList{}
			Expect(k8sClient.List(ctx, list)).To(Succeed())
			return len(list.Items)
		}, 30*time.Second, 200*time.Millisecond).Should(BeZero())
		if onboarded {
			removeArcConnection()
			hub.cluster(http.MethodDelete, nil)
		}
		chartRepo.Close()
	})

	It("installs a hub extension with its settings and protected settings, and tells the hub", func() {
		desire(extensionObject("demo", "1", "0.1.0", map[string]string{"auth.password": secretValue}))

		eventually(func(g Gomega) {
			obj := extensionReady(g, "demo")
			g.Expect(obj.Labels).To(HaveKeyWithValue(arcv1alpha1.ManagedByLabel, arcv1alpha1.ManagedByHub))
			g.Expect(obj.Status.InstalledVersion).To(Equal("v0.1.0"))
			g.Expect(obj.Status.HelmRevision).To(Equal(1))
			g.Expect(obj.Status.InstalledChart).To(Equal(&arcv1alpha1.ChartReference{Repository: chartRepo.URL, Name: "demo", Version: "0.1.0"}))
		}).Should(Succeed())

		Expect(configMapData("demo-system", "demo-config")).To(Equal(map[string]string{
			"chartVersion": "0.1.0", "greeting": "hello", "password": secretValue, "replicas": "3"}))
		obj := getExtension("demo")
		Expect(obj.Status.Message).NotTo(ContainSubstring(secretValue))
		raw, _ := json.Marshal(obj)
		Expect(string(raw)).NotTo(ContainSubstring(secretValue), "the CR holds a protected value")

		out, err := kubectl("get", "ext", "-n", agentNamespace, "demo")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(SatisfyAll(ContainSubstring("TYPE"), ContainSubstring("demo"), ContainSubstring("v0.1.0"), ContainSubstring("True")))

		Eventually(func(g Gomega) {
			state, observed, status := hubExtensionState("demo")
			g.Expect(state).To(Equal(protocol.ProvisioningSucceeded))
			g.Expect(observed).To(Equal("1"))
			g.Expect(status.InstalledVersion).To(Equal("v0.1.0"))
			g.Expect(status.ExtensionType).To(BeEmpty(), "a hub-owned status does not repeat the spec")
		}, 20*time.Second, 200*time.Millisecond).Should(Succeed())
		Expect(string(hubStatus("demo").Status)).NotTo(ContainSubstring(secretValue))
	})

	It("upgrades to a new chart version", func() {
		desire(extensionObject("demo", "2", "0.2.0", map[string]string{"auth.password": secretValue}))
		eventually(func(g Gomega) {
			obj := extensionReady(g, "demo")
			g.Expect(obj.Status.InstalledVersion).To(Equal("v0.2.0"))
			g.Expect(obj.Status.HelmRevision).To(Equal(2))
		}).Should(Succeed())
		Expect(configMapData("demo-system", "demo-config")).To(HaveKeyWithValue("chartVersion", "0.2.0"))
		Eventually(func() []string {
			state, observed, _ := hubExtensionState("demo")
			return []string{state, observed}
		}, 20*time.Second, 200*time.Millisecond).Should(Equal([]string{protocol.ProvisioningSucceeded, "2"}))
	})

	It("rolls a failed upgrade back and keeps the last good release running", func() {
		desire(extensionObject("demo", "3", "0.3.0", map[string]string{"auth.password": secretValue}))
		eventually(func(g Gomega) {
			obj := getExtension("demo")
			ready := meta.FindStatusCondition(obj.Status.Conditions, arcv1alpha1.ReadyCondition)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Reason).To(Equal(arcv1alpha1.UpgradeFailedReason), "%+v", obj.Status)
			g.Expect(ready.Message).To(SatisfyAll(ContainSubstring("rolled back"), ContainSubstring("v0.2.0 keeps running"),
				ContainSubstring("Not_A_Valid_Name")))
			g.Expect(obj.Status.InstalledVersion).To(Equal("v0.2.0"))
			g.Expect(obj.Status.LastAttemptedVersion).To(Equal("v0.3.0"))
		}).Should(Succeed())
		Expect(configMapData("demo-system", "demo-config")).To(HaveKeyWithValue("chartVersion", "0.2.0"))

		rel, err := helmClient().Current("demo", "demo-system")
		Expect(err).NotTo(HaveOccurred())
		Expect(rel.Status).To(Equal("deployed"))
		Expect(rel.ChartVersion).To(Equal("0.2.0"))

		Eventually(func(g Gomega) {
			state, observed, status := hubExtensionState("demo")
			g.Expect(state).To(Equal(protocol.ProvisioningFailed))
			g.Expect(observed).To(Equal("3"))
			g.Expect(status.Message).To(ContainSubstring("rolled back"))
			g.Expect(status.Message).NotTo(ContainSubstring(secretValue))
		}, 20*time.Second, 200*time.Millisecond).Should(Succeed())
	})

	It("reconciles a locally applied Extension and reports it as cluster-owned", func() {
		Expect(k8sClient.Create(ctx, &arcv1alpha1.Extension{
			ObjectMeta: metav1.ObjectMeta{Namespace: agentNamespace, Name: "local-demo"},
			Spec: arcv1alpha1.ExtensionSpec{ExtensionType: "demo", ReleaseTrain: "preview", Version: "0.1.0",
				Chart:     arcv1alpha1.ChartReference{Repository: chartRepo.URL, Name: "demo", Version: "0.1.0"},
				Namespace: "local-demo", ConfigurationSettings: map[string]string{"greeting": "from kubectl"}},
		})).To(Succeed())
		Eventually(func(g Gomega) { extensionReady(g, "local-demo") }, 60*time.Second, 200*time.Millisecond).Should(Succeed())
		Expect(configMapData("local-demo", "local-demo-config")).To(HaveKeyWithValue("greeting", "from kubectl"))
		Eventually(func(g Gomega) {
			state, observed, status := hubExtensionState("local-demo")
			g.Expect(state).To(Equal(protocol.ProvisioningSucceeded))
			g.Expect(observed).To(BeEmpty())
			g.Expect(status.ExtensionType).To(Equal("demo"))
			g.Expect(status.ReleaseTrain).To(Equal("preview"))
			g.Expect(status.Scope).To(Equal(protocol.ScopeCluster))
			g.Expect(status.Namespace).To(Equal("local-demo"))
		}, 20*time.Second, 200*time.Millisecond).Should(Succeed())
	})

	It("reports a failed first install and retries", func() {
		Expect(k8sClient.Create(ctx, &arcv1alpha1.Extension{
			ObjectMeta: metav1.ObjectMeta{Namespace: agentNamespace, Name: "broken"},
			Spec: arcv1alpha1.ExtensionSpec{ExtensionType: "demo", Version: "0.3.0", Namespace: "broken",
				Chart: arcv1alpha1.ChartReference{Repository: chartRepo.URL, Name: "demo", Version: "0.3.0"}},
		})).To(Succeed())
		Eventually(func(g Gomega) {
			ready := meta.FindStatusCondition(getExtension("broken").Status.Conditions, arcv1alpha1.ReadyCondition)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Reason).To(Equal(arcv1alpha1.InstallFailedReason))
			g.Expect(ready.Message).To(ContainSubstring("Not_A_Valid_Name"))
			state, _, _ := hubExtensionState("broken")
			g.Expect(state).To(Equal(protocol.ProvisioningFailed))
		}, 60*time.Second, 200*time.Millisecond).Should(Succeed())

		// Fixing the spec installs it.
		obj := getExtension("broken")
		patch := client.MergeFrom(obj.DeepCopy())
		obj.Spec.Version, obj.Spec.Chart.Version = "0.2.0", "0.2.0"
		Expect(k8sClient.Patch(ctx, obj, patch)).To(Succeed())
		Eventually(func(g Gomega) { extensionReady(g, "broken") }, 60*time.Second, 200*time.Millisecond).Should(Succeed())
	})

	It("uninstalls a hub extension when the hub's desired state drops it, and says so", func() {
		desire()
		eventually(func(g Gomega) {
			err := k8sClient.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: "demo"}, &arcv1alpha1.Extension{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "the Extension still exists")
		}).Should(Succeed())
		Expect(configMapData("demo-system", "demo-config")).To(BeNil())
		rel, err := helmClient().Current("demo", "demo-system")
		Expect(err).NotTo(HaveOccurred())
		Expect(rel).To(BeNil(), "the Helm release is gone")
		Expect(apierrors.IsNotFound(k8sClient.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: "demo-protected-settings"}, &corev1.Secret{}))).To(BeTrue())
		Eventually(func() string {
			state, _, _ := hubExtensionState("demo")
			return state
		}, 20*time.Second, 200*time.Millisecond).Should(BeElementOf(protocol.ProvisioningDeleted, ""))

		// Cluster-owned Extensions are not the hub's to remove.
		extensionReady(Default, "local-demo")
	})
})

func helmClient() *helm.Client {
	return helm.NewClient(helm.NewRESTClientGetter(cfg, agentNamespace), nil)
}
