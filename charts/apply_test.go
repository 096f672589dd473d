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

package charts_test

import (
	"context"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/localcluster"
)

// TestRenderedChartInstallsOnARealAPIServer creates every object the chart renders on a
// real kube-apiserver with the CRDs installed, with strict field validation: the API server,
// not the test, says the manifests are right. Then it asks the API server what the agent's
// ServiceAccount may do.
func TestRenderedChartInstallsOnARealAPIServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kube-apiserver and etcd")
	}
	env, cfg, err := localcluster.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(arcv1alpha1.AddToScheme(scheme))
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: testNamespace}}); err != nil {
		t.Fatal(err)
	}

	r := mustRender(t, withValues(map[string]any{
		"hub":            map[string]any{"caPEM": testCAPEM},
		"clusterConnect": map[string]any{"enabled": true},
		"proxy":          map[string]any{"httpsProxy": "http://proxy.corp.example:3128", "noProxy": []any{".svc"}, "caPEM": testCAPEM},
		// Without the extension installer's cluster-admin binding, what is left must be least privilege.
		"extensions": map[string]any{"clusterAdmin": false},
	}))
	for _, o := range r.objects {
		if err := c.Create(ctx, o, client.FieldValidation(metav1.FieldValidationStrict)); err != nil {
			t.Errorf("creating %s %s: %v", o.GetKind(), o.GetName(), err)
		}
	}

	var conn arcv1alpha1.ArcConnection
	if err := c.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, &conn); err != nil {
		t.Fatalf("the chart's ArcConnection is not on the API server: %v", err)
	}
	if conn.Spec.HubURL != testHubURL || conn.Spec.ResourceID != testResourceID || !conn.Spec.ClusterConnect.Enabled {
		t.Errorf("ArcConnection spec on the server = %+v", conn.Spec)
	}
	assertAgentMay(ctx, t, c)
}

// assertAgentMay asks the API server, through SubjectAccessReviews, what the agent's
// ServiceAccount may do: what the agent needs, and not more.
func assertAgentMay(ctx context.Context, t *testing.T, c client.Client) {
	t.Helper()
	tests := []struct {
		attrs authorizationv1.ResourceAttributes
		want  bool
	}{
		{authorizationv1.ResourceAttributes{Group: "arc.kubearc.io", Resource: "arcconnections", Verb: "watch"}, true},
		{authorizationv1.ResourceAttributes{Group: "arc.kubearc.io", Resource: "arcconnections", Subresource: "status", Verb: "patch"}, true},
		{authorizationv1.ResourceAttributes{Resource: "nodes", Verb: "list"}, true},
		{authorizationv1.ResourceAttributes{Namespace: testNamespace, Resource: "secrets", Verb: "create"}, true},
		{authorizationv1.ResourceAttributes{Namespace: testNamespace, Group: "coordination.k8s.io", Resource: "leases", Verb: "update"}, true},
		{authorizationv1.ResourceAttributes{Namespace: "default", Resource: "secrets", Verb: "get"}, false},
		{authorizationv1.ResourceAttributes{Namespace: testNamespace, Resource: "secrets", Verb: "delete"}, false},
		{authorizationv1.ResourceAttributes{Group: "arc.kubearc.io", Resource: "arcconnections", Verb: "delete"}, false},
		{authorizationv1.ResourceAttributes{Namespace: "default", Group: "coordination.k8s.io", Resource: "leases", Verb: "update"}, false},
	}
	for _, tt := range tests {
		review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User:               "system:serviceaccount:" + testNamespace + ":kubearc-agent",
			Groups:             []string{"system:serviceaccounts", "system:serviceaccounts:" + testNamespace, "system:authenticated"},
			ResourceAttributes: &tt.attrs,
		}}
		if err := c.Create(ctx, review); err != nil {
			t.Fatalf("SubjectAccessReview: %v", err)
		}
		if review.Status.Allowed != tt.want {
			t.Errorf("agent may %s %s/%s in %q = %v, want %v", tt.attrs.Verb, tt.attrs.Resource, tt.attrs.Subresource,
				tt.attrs.Namespace, review.Status.Allowed, tt.want)
		}
	}
}
