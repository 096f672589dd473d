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

package extensions_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlite"
)

const (
	raceCluster   = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c1"
	raceWorkspace = "/subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/logs"
)

// rotatingWorkspaces resolves the workspace as stored, with its token in its body, and rotates
// it once right after its first read: the extension being created resolved the old token.
type rotatingWorkspaces struct {
	store   store.Store
	rotated bool
	reads   int
}

func (w *rotatingWorkspaces) ResolveWorkspace(ctx context.Context, _, id string, mayUse func(string) error) (*extensions.Workspace, error) {
	if err := mayUse(id); err != nil {
		return nil, err
	}
	res, err := w.store.GetResource(ctx, id)
	if err != nil {
		return nil, err
	}
	w.reads++
	read := &extensions.Workspace{OTLPEndpoint: "https://otlp.example.com", BearerToken: string(res.Body[1 : len(res.Body)-1]), Version: res.Version}
	if !w.rotated {
		w.rotated = true
		res.Body = json.RawMessage(`"token-two"`)
		if _, err := w.store.PutResource(ctx, res, store.IfVersion(res.Version)); err != nil {
			return nil, err
		}
	}
	return read, nil
}

// TestExtensionCreatedDuringARotationGetsTheNewToken: an extension whose workspace changes
// between its resolution and its write is written again with the workspace's new token, not
// stored with the old one (which the rotation's rewrite of bound extensions would miss).
func TestExtensionCreatedDuringARotationGetsTheNewToken(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	_, public := hubtest.AgentKey(t)
	clusterBody, _ := json.Marshal(map[string]any{"properties": map[string]any{"agentPublicKeyCertificate": public}})
	for _, res := range []*store.Resource{
		{ID: raceCluster, Type: "Microsoft.Kubernetes/connectedClusters", Subscription: "s", ResourceGroup: "g", Body: clusterBody},
		{ID: raceWorkspace, Type: "Microsoft.OperationalInsights/workspaces", Subscription: "s", ResourceGroup: "g", Body: json.RawMessage(`"token-one"`)},
	} {
		if _, err := st.PutResource(ctx, res, store.IfAbsent()); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	ws := &rotatingWorkspaces{store: st}
	reg := nested.NewRegistry(st, make([]byte, 32), slog.New(slog.DiscardHandler), time.Now)
	svc := nested.Register(reg, &extensions.Kind{Catalog: cat, Workspaces: ws})
	cluster, err := st.GetResource(ctx, raceCluster)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"properties":{"extensionType":"microsoft.azuremonitor.containers","configurationSettings":{"logAnalyticsWorkspaceResourceID":"` + raceWorkspace + `"}}}`)
	req := nested.Request{Cluster: cluster, Parent: cluster.ID, Name: "monitoring", By: "admin",
		MayUse: func(string) error { return nil }}
	if _, _, err := svc.Put(ctx, req, func(v any) error { return json.Unmarshal(body, v) }); err != nil {
		t.Fatalf("creating the extension: %v", err)
	}
	rec, err := svc.Load(ctx, cluster.ID+"/providers/"+extensions.ResourceType+"/monitoring")
	if err != nil || rec == nil {
		t.Fatalf("the extension is not stored: %v", err)
	}
	protected, err := nested.Sealer{DataKey: make([]byte, 32)}.Open(rec.SealedProtectedSettings)
	if err != nil {
		t.Fatal(err)
	}
	if got := protected[extensions.SettingBearerToken]; got != "token-two" || ws.reads != 2 {
		t.Fatalf("the extension was stored with %q after %d resolutions, want the rotated token after 2", got, ws.reads)
	}
}
