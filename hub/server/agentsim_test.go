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

package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// desiredObject returns the agent's desired object of kind called name with its spec
// decoded as S, or nil.
func desiredObject[S any](th *testHub, agent *http.Client, kind, name string) (*protocol.DesiredObject, *S) {
	th.t.Helper()
	r := th.send(agent, http.MethodGet, protocol.PathDesiredState, "", nil)
	var state protocol.DesiredState
	if err := json.Unmarshal([]byte(r.raw), &state); err != nil {
		th.t.Fatalf("desired state: %d %s", r.status, r.raw)
	}
	for _, obj := range state.Items {
		if obj.Kind == kind && obj.Name == name {
			var spec S
			if err := json.Unmarshal(obj.Spec, &spec); err != nil {
				th.t.Fatal(err)
			}
			return &obj, &spec
		}
	}
	return nil, nil
}

// reportStatus posts the status st of the object of kind called name as the agent.
func (th *testHub) reportStatus(agent *http.Client, kind, name, observedRV string, st any) {
	th.t.Helper()
	raw, err := json.Marshal(st)
	if err != nil {
		th.t.Fatal(err)
	}
	r := th.send(agent, http.MethodPost, protocol.PathStatus, "", protocol.StatusReport{Items: []protocol.ObjectStatus{
		{Kind: kind, Name: name, ObservedResourceVersion: observedRV, Status: raw}}})
	if r.status != http.StatusNoContent {
		th.t.Fatalf("status report: %d %s", r.status, r.raw)
	}
}

func testingProps(t *testing.T, r response) map[string]any {
	t.Helper()
	p := r.props()
	if p == nil {
		t.Fatalf("no properties in %d %s", r.status, r.raw)
	}
	return p
}

// sdkDeletion is a delete through the Azure SDK of a resource the cluster's agent removes.
type sdkDeletion[T any] struct {
	// noun names the resource in failures, e.g. "extension".
	noun  string
	begin func() (*runtime.Poller[T], error)
	// get answers the provisioning state a Get shows, or the Get's error.
	get func() (armkc.ProvisioningState, error)
	// th, agent, kind and name say which desired object the cluster's agent removes.
	th         *testHub
	agent      *http.Client
	kind, name string
}

// run checks that the resource is Deleting and gone from the agent's desired state until the
// agent reports it deleted, then that the operation completes and a Get answers 404.
func (d sdkDeletion[T]) run(ctx context.Context, t *testing.T) {
	t.Helper()
	del, err := d.begin()
	if err != nil {
		t.Fatalf("BeginDelete: %v", err)
	}
	if state, _ := d.get(); state != armkc.ProvisioningStateDeleting {
		t.Fatalf("after BeginDelete: %s, want Deleting", state)
	}
	if obj, _ := desiredObject[json.RawMessage](d.th, d.agent, d.kind, d.name); obj != nil {
		t.Fatalf("the %s is still in the agent's desired state after the delete", d.noun)
	}
	d.th.reportStatus(d.agent, d.kind, d.name, "", map[string]string{"provisioningState": protocol.ProvisioningDeleted})
	if _, err := del.PollUntilDone(ctx, fastPoll); err != nil {
		t.Fatalf("delete PollUntilDone: %v", err)
	}
	_, err = d.get()
	var respErr *azcore.ResponseError
	if !errors.As(err, &respErr) || respErr.StatusCode != http.StatusNotFound {
		t.Errorf("Get after the delete: %v, want 404", err)
	}
}
