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

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/helm"
	"github.com/kubearc/kubearc/internal/helm/helmtest"
	"github.com/kubearc/kubearc/internal/selfupgrade"
	"github.com/kubearc/kubearc/pkg/protocol"
)

var _ = Describe("Agent self-upgrade", Ordered, func() {
	const releaseNamespace = "agent-upgrade"
	var repo *helmtest.Repo
	var charts *helm.ChartSource

	profile := func(target string) protocol.DesiredObject {
		raw, err := json.Marshal(protocol.AgentProfile{ReleaseTrain: "stable", AgentAutoUpgrade: "Enabled",
			AvailableAgentVersion: target, TargetAgentVersion: target,
			TargetChart: &protocol.ChartRef{Repository: repo.URL, Name: "kubearc-agent", Version: target}})
		Expect(err).NotTo(HaveOccurred())
		return protocol.DesiredObject{Kind: protocol.KindAgentProfile, Name: "default", ResourceVersion: "9", Spec: raw}
	}
	upgrader := func(running, release string) *selfupgrade.Upgrader {
		return &selfupgrade.Upgrader{Helm: &helm.Local{Client: helmClient(), Charts: charts}, ReleaseName: release, ReleaseNamespace: releaseNamespace,
			Running: running, Log: GinkgoLogr}
	}

	BeforeAll(func() {
		var err error
		repo, err = helmtest.NewRepo(GinkgoT().TempDir(),
			helmtest.ConfigMapChart("kubearc-agent", "1.0.0", false), helmtest.ConfigMapChart("kubearc-agent", "1.1.0", false))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(repo.Close)
		charts = &helm.ChartSource{CacheDir: GinkgoT().TempDir()}

		// The agent as arcctl installs it: its release, with the user's values.
		chrt, err := charts.Fetch(ctx, helm.ChartRef{Repository: repo.URL, Name: "kubearc-agent", Version: "1.0.0"})
		Expect(err).NotTo(HaveOccurred())
		_, _, err = helmClient().Apply(ctx, helm.Request{Name: "kubearc-agent", Namespace: releaseNamespace, Chart: chrt,
			Values: map[string]any{"greeting": "keep-me"}, CreateNamespace: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _, _ = helmClient().Uninstall("kubearc-agent", releaseNamespace) })
	})

	It("says so and leaves the agent alone when it runs outside a Helm release", func() {
		u := upgrader("1.0.0", "")
		Expect(u.Apply(ctx, profile("1.1.0"))).To(Succeed())
		Expect(u.Condition().Reason).To(Equal(arcv1alpha1.AgentNotHelmManagedReason))
		Expect(u.Condition().Message).To(ContainSubstring("--local-agent"))
		Expect(configMapData(releaseNamespace, "kubearc-agent-config")).To(HaveKeyWithValue("chartVersion", "1.0.0"))
	})

	It("upgrades the agent's own release to the hub's target, keeping its values", func() {
		u := upgrader("1.0.0", "kubearc-agent")
		Expect(u.Apply(ctx, profile("1.1.0"))).To(Succeed())
		Expect(u.Condition().Reason).To(Equal(arcv1alpha1.AgentUpgradingReason), "%+v", u.Condition())

		Expect(configMapData(releaseNamespace, "kubearc-agent-config")).To(SatisfyAll(
			HaveKeyWithValue("chartVersion", "1.1.0"), HaveKeyWithValue("greeting", "keep-me")))
		rel, err := helmClient().Current("kubearc-agent", releaseNamespace)
		Expect(err).NotTo(HaveOccurred())
		Expect(rel.Revision).To(Equal(2))
		Expect(rel.ChartVersion).To(Equal("1.1.0"))
	})

	It("is up to date once the new version runs, and never downgrades", func() {
		u := upgrader("1.1.0", "kubearc-agent")
		Expect(u.Apply(ctx, profile("1.1.0"))).To(Succeed())
		Expect(u.Condition().Reason).To(Equal(arcv1alpha1.AgentUpToDateReason))

		Expect(u.Apply(ctx, profile("1.0.0"))).To(Succeed())
		Expect(u.Condition().Message).To(ContainSubstring("does not downgrade"))
		rel, err := helmClient().Current("kubearc-agent", releaseNamespace)
		Expect(err).NotTo(HaveOccurred())
		Expect(rel.Revision).To(Equal(2), "the release was not touched")
	})
})
