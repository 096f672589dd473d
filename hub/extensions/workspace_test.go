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

package extensions

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/nested"
)

// fakeWorkspaces resolves one workspace.
type fakeWorkspaces map[string]*Workspace

func (f fakeWorkspaces) ResolveWorkspace(_ context.Context, setting, id string, mayUse func(string) error) (*Workspace, error) {
	if err := mayUse(id); err != nil {
		return nil, err
	}
	if ws, ok := f[id]; ok {
		return ws, nil
	}
	return nil, nested.Invalid("The configuration setting '%s' names the workspace '%s', which does not exist.", setting, id)
}

func TestResolveBindsTheWorkspace(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	const id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/logs"
	k := &Kind{Catalog: cat, Workspaces: fakeWorkspaces{id: {OTLPEndpoint: "https://otlp.example.com", BearerToken: "t0k", CredentialsRevision: "r1"}}}
	mayUse := func(string) error { return nil }
	denied := errors.New("forbidden")
	tests := []struct {
		name, typ string
		settings  map[string]string
		bound     *WorkspaceBinding
		mayUse    func(string) error
		protected map[string]string
		delivered map[string]string
		wantErr   error
	}{
		{name: "bound", typ: "monitoring", settings: map[string]string{"logAnalyticsWorkspaceResourceID": id, "x": "1"}, mayUse: mayUse,
			protected: map[string]string{"own": "p", SettingBearerToken: "t0k"},
			delivered: map[string]string{"x": "1", SettingOTLPEndpoint: "https://otlp.example.com", SettingCredentialsRevision: "r1"}},
		{name: "not named", typ: "monitoring", settings: map[string]string{"x": "1"}, mayUse: mayUse,
			bound:     &WorkspaceBinding{Setting: "logAnalyticsWorkspaceResourceID", ID: id},
			protected: map[string]string{"own": "p"}, delivered: map[string]string{"x": "1"}},
		{name: "type takes none", typ: "flux", settings: map[string]string{"logAnalyticsWorkspaceResourceID": id}, mayUse: mayUse,
			protected: map[string]string{"own": "p", SettingBearerToken: "stale"}, delivered: map[string]string{"logAnalyticsWorkspaceResourceID": id}},
		{name: "caller may not use it", typ: "monitoring", settings: map[string]string{"logAnalyticsWorkspaceResourceID": id},
			mayUse: func(string) error { return denied }, wantErr: denied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &Record{Settings: Settings{ExtensionType: tt.typ, ConfigurationSettings: tt.settings}, Workspace: tt.bound}
			protected := map[string]string{"own": "p", SettingBearerToken: "stale"}
			got, err := k.Resolve(context.Background(), nested.Request{MayUse: tt.mayUse}, rec, protected)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.protected) {
				t.Errorf("protected = %v, want %v", got, tt.protected)
			}
			if d := rec.deliveredSettings(); !maps.Equal(d, tt.delivered) {
				t.Errorf("delivered settings = %v, want %v", d, tt.delivered)
			}
			if rec.ConfigurationSettings["logAnalyticsWorkspaceResourceID"] != tt.settings["logAnalyticsWorkspaceResourceID"] {
				t.Errorf("the user's setting changed: %v", rec.ConfigurationSettings)
			}
		})
	}
}
