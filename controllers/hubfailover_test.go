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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// deadHubURL is an https URL on the hub's host on which nothing listens, as the address of a
// replica killed with SIGKILL.
func deadHubURL() string {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	addr := ln.Addr().String()
	Expect(ln.Close()).To(Succeed())
	return "https://" + addr
}

// startURL is the hub URL at which the agent of spec starts.
func startURL(spec *arcv1alpha1.ArcConnectionSpec) string {
	GinkgoHelper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	c, err := agentclient.New(agentclient.Options{HubURL: spec.HubURL, HubURLs: spec.HubURLs, ClusterID: spec.ResourceID, Key: key})
	Expect(err).NotTo(HaveOccurred())
	defer c.Close()
	return c.HubURL()
}

var _ = Describe("Several hub URLs", Ordered, func() {
	var dead string

	BeforeAll(func() {
		dead = deadHubURL()
		onboard(15*time.Second, func(s *arcv1alpha1.ArcConnectionSpec) {
			s.HubURL, s.HubURLs = dead, []string{hub.URL}
			if startURL(s) != dead { // the agent starts where its resourceID says: make it the dead URL
				s.HubURL, s.HubURLs = hub.URL, []string{dead}
			}
			Expect(startURL(s)).To(Equal(dead))
			s.ClusterConnect.Enabled = true
		})
	})

	AfterAll(func() {
		removeArcConnection()
		hub.cluster(http.MethodDelete, nil)
	})

	It("connects through the other URL when the one it starts at is dead, with its tunnel up", func() {
		Eventually(func(g Gomega) {
			obj := arcConnection()
			g.Expect(condition(obj, arcv1alpha1.ReadyCondition).Status).To(Equal(metav1.ConditionTrue), "%+v", obj.Status.Conditions)
			g.Expect(obj.Status.ConnectivityStatus).To(Equal(arcv1alpha1.ConnectivityConnected))
			g.Expect(obj.Status.HubURL).To(Equal(hub.URL))
			g.Expect(condition(obj, arcv1alpha1.ConnectedCondition).Message).To(Equal("The hub accepted the last heartbeat at " + hub.URL))
		}, 60*time.Second, 200*time.Millisecond).Should(Succeed())

		Eventually(tunnelState, 30*time.Second, 200*time.Millisecond).Should(Equal(arcv1alpha1.TunnelConnected))
		Eventually(func(g Gomega) {
			status, body := proxyGet("/api")
			g.Expect(status).To(Equal(http.StatusOK), body)
			g.Expect(body).To(ContainSubstring(`"kind":"APIVersions"`))
		}, 30*time.Second, 200*time.Millisecond).Should(Succeed())

		_, body := hub.cluster(http.MethodGet, nil)
		Expect(body["properties"].(map[string]any)["connectivityStatus"]).To(Equal("Connected"))
	})

	It("runs the connectivity checks against the URL in use, and says which", func() {
		live := strings.TrimPrefix(hub.URL, "https://")
		Eventually(func(g Gomega) {
			checks := map[string]arcv1alpha1.ConnectivityCheck{}
			for _, c := range arcConnection().Status.ConnectivityChecks {
				checks[c.Name] = c
			}
			g.Expect(checks[protocol.CheckTCP].Result).To(BeEquivalentTo(protocol.CheckPassed), "%+v", checks)
			g.Expect(checks[protocol.CheckTCP].Message).To(ContainSubstring("the hub " + live))
			g.Expect(checks[protocol.CheckTLS].Result).To(BeEquivalentTo(protocol.CheckPassed), "%+v", checks)
		}, 60*time.Second, 500*time.Millisecond).Should(Succeed())
	})
})
