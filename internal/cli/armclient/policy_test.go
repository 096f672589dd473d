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

package armclient

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"
)

// recorder records the requests a fake hub saw as "METHOD URI BODY".
type recorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *recorder) record(req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, req.Method+" "+req.URL.RequestURI()+" "+string(body))
}

func (r *recorder) want(t *testing.T, want ...string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if strings.Join(r.seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(r.seen, "\n"), strings.Join(want, "\n"))
	}
}

func TestPolicyRequests(t *testing.T) {
	var rec recorder
	var c *Client
	c = fakeHub(t, func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		switch {
		case r.Method == http.MethodPut:
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"name":"a 1","properties":{"enforcementMode":"DoNotEnforce"}}`))
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/policyDefinitions") && r.URL.Query().Get("page") == "":
			_, _ = w.Write([]byte(`{"value":[{"name":"d1"}],"nextLink":"` + c.endpoint.String() + r.URL.Path + `?api-version=2025-03-01&page=2"}`))
		case strings.HasSuffix(r.URL.Path, "/policyDefinitions"):
			_, _ = w.Write([]byte(`{"value":[{"name":"d2"}]}`))
		default:
			_, _ = w.Write([]byte(`{"name":"d1","properties":{"mode":"Microsoft.Kubernetes.Data"}}`))
		}
	})
	ctx := t.Context()
	const rg = "/subscriptions/s1/resourceGroups/rg"
	if d, err := c.GetPolicyDefinition(ctx, "", "d 1"); err != nil || *d.Properties.Mode != "Microsoft.Kubernetes.Data" {
		t.Fatalf("GetPolicyDefinition = %v, %v", d, err)
	}
	a, err := c.PutPolicyAssignment(ctx, rg, "a 1", armpolicy.Assignment{Properties: &armpolicy.AssignmentProperties{
		EnforcementMode: ptr(armpolicy.EnforcementModeDoNotEnforce)}})
	if err != nil || *a.Name != "a 1" {
		t.Fatalf("PutPolicyAssignment = %v, %v", a, err)
	}
	if existed, err := c.DeletePolicyDefinition(ctx, "s1", "d1"); err != nil || existed {
		t.Fatalf("DeletePolicyDefinition of none = %v, %v; want false, nil", existed, err)
	}
	var names []string
	for pager := c.ListPolicyDefinitions("s1"); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Value {
			names = append(names, *d.Name)
		}
	}
	if strings.Join(names, ",") != "d1,d2" {
		t.Errorf("listed %v, want d1 and d2 from two pages", names)
	}
	const defs = "/subscriptions/s1/providers/Microsoft.Authorization/policyDefinitions"
	rec.want(t,
		"GET /providers/Microsoft.Authorization/policyDefinitions/d%201?api-version=2025-03-01 ",
		"PUT "+rg+`/providers/Microsoft.Authorization/policyAssignments/a%201?api-version=2025-03-01 {"properties":{"enforcementMode":"DoNotEnforce"}}`,
		"DELETE "+defs+"/d1?api-version=2025-03-01 ",
		"GET "+defs+"?api-version=2025-03-01 ",
		"GET "+defs+"?api-version=2025-03-01&page=2 ",
	)
}

func TestPolicyStateRequests(t *testing.T) {
	var rec recorder
	c := fakeHub(t, func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		if strings.HasSuffix(r.URL.Path, "/summarize") {
			_, _ = w.Write([]byte(`{"value":[{"results":{"nonCompliantResources":1}}]}`))
			return
		}
		_, _ = w.Write([]byte(`{"value":[{"complianceState":"NonCompliant"}]}`))
	})
	const cluster = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1"
	q := PolicyStatesQuery{Filter: "complianceState eq 'NonCompliant'", Top: 5}
	page, err := c.ListPolicyStates(cluster, q).NextPage(t.Context())
	if err != nil || len(page.Value) != 1 || *page.Value[0].ComplianceState != "NonCompliant" {
		t.Fatalf("ListPolicyStates = %v, %v", page, err)
	}
	sum, err := c.SummarizePolicyStates(t.Context(), "/subscriptions/s1", PolicyStatesQuery{})
	if err != nil || *sum.Value[0].Results.NonCompliantResources != 1 {
		t.Fatalf("SummarizePolicyStates = %v, %v", sum, err)
	}
	rec.want(t,
		"POST "+cluster+"/providers/Microsoft.PolicyInsights/policyStates/latest/queryResults?%24filter=complianceState+eq+%27NonCompliant%27&%24top=5&api-version=2024-10-01 ",
		"POST /subscriptions/s1/providers/Microsoft.PolicyInsights/policyStates/latest/summarize?api-version=2024-10-01 ",
	)
}

func TestPolicyEvaluationFollowsTheLocation(t *testing.T) {
	var polls atomic.Int32
	var rec recorder
	var c *Client
	c = fakeHub(t, func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		if r.Method == http.MethodPost || polls.Add(1) < 2 {
			w.Header().Set("Location", c.endpoint.String()+"/subscriptions/s1/providers/Microsoft.PolicyInsights/asyncOperationResults/op1?api-version=2024-10-01")
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	scan, err := c.TriggerPolicyEvaluation(t.Context(), "/subscriptions/s1/resourceGroups/rg")
	if err != nil || scan.Done() {
		t.Fatalf("TriggerPolicyEvaluation = %v, %v; want a running scan", scan, err)
	}
	if err := scan.Wait(t.Context(), time.Second); err != nil {
		t.Fatal(err)
	}
	const op = "GET /subscriptions/s1/providers/Microsoft.PolicyInsights/asyncOperationResults/op1?api-version=2024-10-01 "
	rec.want(t, "POST /subscriptions/s1/resourceGroups/rg/providers/Microsoft.PolicyInsights/policyStates/latest/triggerEvaluation?api-version=2024-10-01 ",
		op, op)
}

func TestPolicyEvaluationFailsWithTheHubsError(t *testing.T) {
	var c *Client
	c = fakeHub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Azure-AsyncOperation", c.endpoint.String()+"/operations/op1")
			w.WriteHeader(http.StatusAccepted)
			return
		}
		_, _ = w.Write([]byte(`{"status":"Failed","error":{"code":"EvaluationFailed","message":"The agent of c1 is offline."}}`))
	})
	scan, err := c.TriggerPolicyEvaluation(t.Context(), "/subscriptions/s1")
	if err != nil {
		t.Fatal(err)
	}
	err = scan.Wait(t.Context(), time.Second)
	var re *ResponseError
	if !errors.As(err, &re) || re.Error() != "(EvaluationFailed) The agent of c1 is offline." {
		t.Fatalf("Wait = %v, want the hub's ARM error", err)
	}
}

func TestPolicyEvaluationElsewhereIsRefused(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	c := fakeHub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", other.URL+"/steal")
		w.WriteHeader(http.StatusAccepted)
	})
	_, err := c.TriggerPolicyEvaluation(t.Context(), "/subscriptions/s1")
	if err == nil || !strings.Contains(err.Error(), "refusing to send the token there") {
		t.Fatalf("TriggerPolicyEvaluation error = %v, want a refusal", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host received %d requests", n)
	}
}
