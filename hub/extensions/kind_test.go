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
	"encoding/json"
	"testing"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/agentpubkey/agentpubkeytest"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/seal"
)

func TestProtectedSettingsAreDeliveredToTheAgentOnly(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	dataKey, err := seal.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	s, k := nested.Sealer{DataKey: dataKey}, &Kind{Catalog: cat}
	agentKey, pub := agentpubkeytest.NewKey(t)
	sealed, err := s.Seal(map[string]string{"token": "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	rec := &Record{Meta: nested.Meta{ID: "/c/x", Name: "x", SealedProtectedSettings: sealed}, Settings: Settings{ExtensionType: "flux", AutoUpgradeMinorVersion: true}}
	if err := Resolve(cat, rec, ""); err != nil || rec.Chart.Name != "flux2" {
		t.Fatalf("Resolve: %v %+v", err, rec.Chart)
	}
	if err := Resolve(cat, &Record{Settings: Settings{ExtensionType: "flux", PinnedVersion: "0.0.1"}}, ""); err == nil {
		t.Error("a pinned version that is not in the catalog resolved")
	}
	delivered, err := s.ForAgent("/c", pub, rec.ID, rec.SealedProtectedSettings)
	if err != nil {
		t.Fatal(err)
	}
	desired, err := k.Desired(rec, delivered)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(desired)
	if err != nil {
		t.Fatal(err)
	}
	var spec protocol.ExtensionSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	plain, err := seal.OpenAgent(agentKey, spec.ProtectedSettings)
	if err != nil || string(plain) != `{"token":"s3cret"}` {
		t.Errorf("the agent opened %q %v", plain, err)
	}
	back, err := s.Open(sealed)
	if err != nil || back["token"] != "s3cret" {
		t.Errorf("OpenProtected = %v %v", back, err)
	}
	if got, _ := s.Seal(nil); got != "" {
		t.Errorf("no protected settings sealed to %q", got)
	}
}
