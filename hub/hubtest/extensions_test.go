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

package hubtest_test

import (
	"context"
	"testing"

	"github.com/kubearc/kubearc/hub/hubtest"
)

func TestExtensionHelpers(t *testing.T) {
	h, err := hubtest.Start(context.Background(), hubtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Stop() })
	_, pub := hubtest.AgentKey(t)
	if err := h.PutCluster(clusterID, pub); err != nil {
		t.Fatal(err)
	}
	p, err := h.PutExtension(clusterID, "flux", map[string]any{"extensionType": "flux"})
	if err != nil || p["provisioningState"] != "Creating" {
		t.Fatalf("PutExtension: %v %v", p, err)
	}
	if _, err := h.PutExtension(clusterID, "bad", map[string]any{"extensionType": "nope"}); err == nil {
		t.Error("PutExtension of an unknown type succeeded")
	}
	if err := h.DeleteExtension(clusterID, "flux", false); err != nil {
		t.Fatal(err)
	}
	if p, err := h.GetExtension(clusterID, "flux"); err != nil || p["provisioningState"] != "Deleting" {
		t.Errorf("after a delete without an agent: %v %v, want Deleting", p, err)
	}
	if err := h.DeleteExtension(clusterID, "flux", true); err != nil {
		t.Fatal(err)
	}
	if _, err := h.GetExtension(clusterID, "flux"); err == nil {
		t.Error("the extension is still there after a forced delete")
	}
}
