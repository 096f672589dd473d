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
	"io"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	hubtunnel "github.com/kubearc/kubearc/hub/tunnel"
)

// proxyGet sends GET path through the hub's proxy endpoint of the test cluster as the admin.
func proxyGet(path string) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, hub.URL+hubtunnel.ProxyPrefix+connectedPath+path, nil)
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", "Bearer "+hub.AdminToken)
	resp, err := hub.HTTPClient().Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func tunnelState() arcv1alpha1.TunnelState {
	if s := arcConnection().Status.ClusterConnect; s != nil {
		return s.State
	}
	return ""
}

func setClusterConnect(enabled bool) {
	obj := arcConnection()
	base := obj.DeepCopy()
	obj.Spec.ClusterConnect.Enabled = enabled
	Expect(k8sClient.Patch(ctx, obj, client.MergeFrom(base))).To(Succeed())
}

var _ = Describe("Cluster connect", Ordered, func() {
	BeforeAll(func() { onboard(15 * time.Second) })

	AfterAll(func() {
		removeArcConnection()
		hub.cluster(http.MethodDelete, nil)
	})

	It("opens the tunnel when the ArcConnection asks for it and reports its state", func() {
		Eventually(tunnelState, 30*time.Second, 200*time.Millisecond).Should(Equal(arcv1alpha1.TunnelDisabled))
		status, body := proxyGet("/version")
		Expect(status).To(Equal(http.StatusServiceUnavailable), body)
		Expect(body).To(ContainSubstring("spec.clusterConnect.enabled"))

		setClusterConnect(true)
		Eventually(tunnelState, 30*time.Second, 200*time.Millisecond).Should(Equal(arcv1alpha1.TunnelConnected))
		Eventually(func(g Gomega) {
			status, body := proxyGet("/version")
			g.Expect(status).To(Equal(http.StatusOK), body)
			g.Expect(body).To(ContainSubstring(`"gitVersion": "v1.37.2"`))
		}, 30*time.Second, 200*time.Millisecond).Should(Succeed())
	})

	It("closes the tunnel when cluster connect is turned off", func() {
		setClusterConnect(false)
		Eventually(tunnelState, 30*time.Second, 200*time.Millisecond).Should(Equal(arcv1alpha1.TunnelDisabled))
		Eventually(func() int { status, _ := proxyGet("/version"); return status }, 30*time.Second, 200*time.Millisecond).
			Should(Equal(http.StatusServiceUnavailable))
	})
})
