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
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// checkResults are the ArcConnection's connectivity checks as name → result.
func checkResults() map[string]arcv1alpha1.ConnectivityCheckResult {
	out := map[string]arcv1alpha1.ConnectivityCheckResult{}
	for _, c := range arcConnection().Status.ConnectivityChecks {
		out[c.Name] = c.Result
	}
	return out
}

var _ = Describe("Connectivity checks", Ordered, func() {
	BeforeAll(func() { onboard(15 * time.Second) })

	AfterAll(func() {
		removeArcConnection()
		hub.cluster(http.MethodDelete, nil)
	})

	It("shows the agent's checks of the hub in the ArcConnection's status once it registered", func() {
		Eventually(checkResults, 60*time.Second, 500*time.Millisecond).Should(Equal(map[string]arcv1alpha1.ConnectivityCheckResult{
			protocol.CheckDNS: protocol.CheckPassed, protocol.CheckTCP: protocol.CheckPassed, protocol.CheckProxy: protocol.CheckPassed,
			protocol.CheckTLS: protocol.CheckPassed, protocol.CheckClockSkew: protocol.CheckPassed,
			protocol.CheckClientCertificate: protocol.CheckPassed,
		}))
		for _, c := range arcConnection().Status.ConnectivityChecks {
			Expect(c.Message).NotTo(BeEmpty(), c.Name)
			Expect(c.Time.IsZero()).To(BeFalse(), c.Name)
		}
	})

	It("sends them to the hub, which serves them to users", func() {
		Eventually(func(g Gomega) {
			status, raw, err := hub.ARM(http.MethodGet, "/kubearc/v1"+connectedPath+"/connectivityChecks", hub.AdminToken, nil)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(status).To(Equal(http.StatusOK), string(raw))
			var view struct {
				Value []protocol.ConnectivityCheck `json:"value"`
			}
			g.Expect(json.Unmarshal(raw, &view)).To(Succeed())
			g.Expect(view.Value).To(HaveLen(6), string(raw))
			for _, c := range view.Value {
				g.Expect(c.Result).To(Equal(protocol.CheckPassed), c.Name+": "+c.Message)
			}
		}, 60*time.Second, 500*time.Millisecond).Should(Succeed())
	})
})
