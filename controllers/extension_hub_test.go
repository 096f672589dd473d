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
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/internal/agentkey"
	"github.com/kubearc/kubearc/internal/helm/helmtest"
)

// catalogFor is a hub catalog whose demo extension type and agent come from repo.
func catalogFor(repo string) string {
	return fmt.Sprintf(`extensionTypes:
  - name: demo
    description: A chart that renders one ConfigMap.
    defaultScope: cluster
    defaultReleaseNamespace: hub-demo
    chart: {repository: %[1]s, name: demo}
    releaseTrains:
      - name: Stable
        versions: ["0.1.0", "0.2.0"]
agent:
  chart: {repository: %[1]s, name: kubearc-agent}
  releaseTrains:
    - name: Stable
      versions: ["1.0.0", "1.1.0"]
`, repo)
}

// The whole flow through a real hub: an extension created with the management API reaches
// the agent, which installs it and reports back, until the hub shows it Succeeded; deleting
// it on the hub uninstalls it and the hub forgets it.
var _ = Describe("Extensions through the hub", Ordered, func() {
	var suiteHub *testHub
	var repo *helmtest.Repo
	var configure func(cfg *server.Config)

	BeforeAll(func() {
		var err error
		dir := GinkgoT().TempDir()
		repo, err = helmtest.NewRepo(dir, helmtest.ConfigMapChart("demo", "0.1.0", false), helmtest.ConfigMapChart("demo", "0.2.0", false))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(repo.Close)
		catalog := filepath.Join(GinkgoT().TempDir(), "catalog.yaml")
		Expect(os.WriteFile(catalog, []byte(catalogFor(repo.URL)), 0o600)).To(Succeed())
		configure = func(cfg *server.Config) { cfg.BookmarkInterval, cfg.CatalogFile = time.Second, catalog }

		// This hub replaces the suite's for these specs, with a catalog of test charts.
		// An explicit data directory survives Stop, so the hub can come back with its data.
		h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: GinkgoT().TempDir(), Configure: configure})
		Expect(err).NotTo(HaveOccurred())
		suiteHub, hub = hub, &testHub{Hub: h}
		disconnect()
		onboard(10 * time.Second)
		Eventually(agentConnector.HubClient, 30*time.Second, 200*time.Millisecond).ShouldNot(BeNil())
	})

	AfterAll(func() {
		disconnect()
		hub.shutdown()
		hub = suiteHub
	})

	It("shows the catalog's newest agent version in the ArcConnection", func() {
		Eventually(func() string { return arcConnection().Status.AvailableAgentVersion }, 20*time.Second, 200*time.Millisecond).Should(Equal("1.1.0"))
		Eventually(func() string { return condition(arcConnection(), arcv1alpha1.AgentUpgradeCondition).Message }, 20*time.Second, 200*time.Millisecond).
			Should(ContainSubstring("development build"))
	})

	It("installs an extension created on the hub, and the hub shows it Succeeded", func() {
		_, err := putDemo("0.1.0")
		Expect(err).NotTo(HaveOccurred())

		Eventually(func() map[string]string { return configMapData("hub-demo", "demo-config") }, 60*time.Second, 250*time.Millisecond).
			Should(SatisfyAll(HaveKeyWithValue("greeting", "from the hub"), HaveKeyWithValue("password", secretValue),
				HaveKeyWithValue("chartVersion", "0.1.0")))
		expectHubSucceeded("0.1.0", 30*time.Second)
	})

	It("upgrades when the hub's version changes", func() {
		_, err := putDemo("0.2.0")
		Expect(err).NotTo(HaveOccurred())
		expectHubSucceeded("0.2.0", 60*time.Second)
		Expect(configMapData("hub-demo", "demo-config")).To(HaveKeyWithValue("chartVersion", "0.2.0"))
	})

	It("keeps the extension installed while the hub is down, and reports it again after", func() {
		addr, dataDir := hub.Addr, hub.DataDir
		hub.shutdown()
		Eventually(func() metav1.ConditionStatus {
			return condition(arcConnection(), arcv1alpha1.ConnectedCondition).Status
		},
			60*time.Second, 250*time.Millisecond).Should(Equal(metav1.ConditionFalse), "the agent did not notice the hub is gone")
		Consistently(func(g Gomega) {
			g.Expect(configMapData("hub-demo", "demo-config")).To(HaveKeyWithValue("chartVersion", "0.2.0"))
			ext := &arcv1alpha1.Extension{}
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: "demo"}, ext)).To(Succeed())
			g.Expect(ext.DeletionTimestamp).To(BeNil())
		}, 5*time.Second, 250*time.Millisecond).Should(Succeed())

		h, err := hubtest.Start(context.Background(), hubtest.Options{Listen: addr, DataDir: dataDir, Configure: configure})
		Expect(err).NotTo(HaveOccurred())
		hub = &testHub{Hub: h}
		expectHubSucceeded("0.2.0", 60*time.Second)
		Expect(configMapData("hub-demo", "demo-config")).To(HaveKeyWithValue("chartVersion", "0.2.0"))
	})

	It("uninstalls an extension deleted on the hub, and the hub forgets it", func() {
		Expect(hub.DeleteExtension(connectedPath, "demo", false)).To(Succeed())
		Eventually(func() map[string]string { return configMapData("hub-demo", "demo-config") }, 60*time.Second, 250*time.Millisecond).Should(BeNil())
		Eventually(func() int {
			status, _, err := hub.ARM(http.MethodGet, hubtest.ExtensionPath(connectedPath, "demo")+"?api-version="+hubtest.ExtensionsAPIVersion, hub.AdminToken, nil)
			Expect(err).NotTo(HaveOccurred())
			return status
		}, 30*time.Second, 250*time.Millisecond).Should(Equal(http.StatusNotFound))
	})
})

// putDemo creates or updates the demo extension on the hub at version, with a setting and a
// protected setting.
func putDemo(version string) (map[string]any, error) {
	return hub.PutExtension(connectedPath, "demo", map[string]any{
		"extensionType": "demo", "autoUpgradeMinorVersion": false, "version": version,
		"configurationSettings":          map[string]string{"greeting": "from the hub"},
		"configurationProtectedSettings": map[string]string{"auth.password": secretValue},
	})
}

// expectHubSucceeded waits until the hub shows the demo extension Succeeded at version.
func expectHubSucceeded(version string, within time.Duration) {
	GinkgoHelper()
	Eventually(func(g Gomega) {
		props, err := hub.GetExtension(connectedPath, "demo")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(props["provisioningState"]).To(Equal("Succeeded"), "%v", props)
		g.Expect(props["currentVersion"]).To(Equal(version))
	}, within, 250*time.Millisecond).Should(Succeed())
}

// disconnect removes the ArcConnection, the hub CA Secret and the client certificate of the
// previous hub, so that the next onboard connects to the current hub.
func disconnect() {
	removeArcConnection()
	Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: agentNamespace, Name: "kubearc-hub-ca"}}))).To(Succeed())
	Eventually(agentConnector.HubClient, 10*time.Second, 100*time.Millisecond).Should(BeNil())
	key := &corev1.Secret{}
	err := k8sClient.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: "kubearc-agent-key"}, key)
	if err == nil && key.Data[agentkey.CertificateField] != nil {
		patch := client.MergeFrom(key.DeepCopy())
		delete(key.Data, agentkey.CertificateField)
		Expect(k8sClient.Patch(ctx, key, patch)).To(Succeed())
	}
}
