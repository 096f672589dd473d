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

package helm

import (
	"errors"
	"io"
	"log/slog"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	kubefake "helm.sh/helm/v4/pkg/kube/fake"
	rcommon "helm.sh/helm/v4/pkg/release/common"
	releasev1 "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage"
	"helm.sh/helm/v4/pkg/storage/driver"

	"github.com/kubearc/kubearc/internal/helm/helmtest"
)

// fakeCluster is Helm's in-memory release storage and a Kubernetes client that fails on
// demand.
type fakeCluster struct {
	releases *storage.Storage
	kube     *kubefake.FailingKubeClient
}

func newFakeClient() (*Client, *fakeCluster) {
	fc := &fakeCluster{releases: storage.Init(driver.NewMemory()),
		kube: &kubefake.FailingKubeClient{PrintingKubeClient: kubefake.PrintingKubeClient{Out: io.Discard}}}
	c := &Client{log: slog.DiscardHandler, configure: func(string) (*action.Configuration, error) {
		cfg := action.NewConfiguration(action.ConfigurationSetLogger(slog.DiscardHandler))
		cfg.Releases, cfg.KubeClient, cfg.Capabilities = fc.releases, fc.kube, common.DefaultCapabilities
		return cfg, nil
	}}
	return c, fc
}

func request(version string, values map[string]any) Request {
	return Request{Name: "demo", Namespace: "demo", Chart: helmtest.ConfigMapChart("demo", version, false), Values: values}
}

func TestApplyInstallsUpgradesAndSkipsWhatIsUpToDate(t *testing.T) {
	c, _ := newFakeClient()
	steps := []struct {
		name         string
		req          Request
		wantRevision int
		wantChanged  bool
	}{
		{"install", request("0.1.0", map[string]any{"greeting": "hello", "replicas": int64(3)}), 1, true},
		{"same chart and values", request("0.1.0", map[string]any{"greeting": "hello", "replicas": int64(3)}), 1, false},
		{"new values", request("0.1.0", map[string]any{"greeting": "bye"}), 2, true},
		{"new chart", request("0.2.0", map[string]any{"greeting": "bye"}), 3, true},
		{"always", func() Request { r := request("0.2.0", map[string]any{"greeting": "bye"}); r.Always = true; return r }(), 4, true},
	}
	for _, s := range steps {
		rel, changed, err := c.Apply(t.Context(), s.req)
		if err != nil {
			t.Fatalf("%s: Apply() error = %v", s.name, err)
		}
		if rel.Revision != s.wantRevision || changed != s.wantChanged || rel.Status != "deployed" {
			t.Errorf("%s: Apply() = revision %d (%s), changed %v; want revision %d deployed, changed %v",
				s.name, rel.Revision, rel.Status, changed, s.wantRevision, s.wantChanged)
		}
	}
}

func TestApplyInstallsAgainAfterAFailedFirstInstall(t *testing.T) {
	c, fc := newFakeClient()
	fc.kube.WaitError = errors.New("admission webhook denied the request")
	_, _, err := c.Apply(t.Context(), request("0.1.0", nil))
	var installErr *InstallError
	if !errors.As(err, &installErr) {
		t.Fatalf("Apply() error = %v, want an InstallError", err)
	}
	fc.kube.WaitError = nil
	rel, _, err := c.Apply(t.Context(), request("0.1.0", nil))
	if err != nil || rel.Status != "deployed" || rel.Revision != 2 {
		t.Fatalf("second Apply() = %+v, %v; want revision 2 deployed over the failed one", rel, err)
	}
}

func TestApplyRecoversARevisionLeftPending(t *testing.T) {
	c, fc := newFakeClient()
	if _, _, err := c.Apply(t.Context(), request("0.1.0", nil)); err != nil {
		t.Fatal(err)
	}
	// The agent stopped in the middle of an upgrade: revision 2 stays pending.
	last, err := fc.releases.Last("demo")
	if err != nil {
		t.Fatal(err)
	}
	pending := *last.(*releasev1.Release)
	info := *pending.Info
	pending.Info, pending.Version = &info, 2
	pending.Info.Status = rcommon.StatusPendingUpgrade
	if err := fc.releases.Create(&pending); err != nil {
		t.Fatal(err)
	}

	rel, _, err := c.Apply(t.Context(), request("0.2.0", nil))
	if err != nil {
		t.Fatalf("Apply() error = %v; a pending revision must not block the release", err)
	}
	if rel.Status != "deployed" || rel.ChartVersion != "0.2.0" {
		t.Errorf("Apply() = %+v, want 0.2.0 deployed", rel)
	}
	if rel.Revision != 4 {
		t.Errorf("Apply() = revision %d, want 4: 3 rolled the pending 2 back to 1, 4 is the upgrade", rel.Revision)
	}
}
