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

package metadata

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubearc/kubearc/internal/detect"
)

func testNode(name, cpu, kubeletVersion, providerID string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.NodeSpec{ProviderID: providerID},
		Status: corev1.NodeStatus{
			Capacity: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)},
			NodeInfo: corev1.NodeSystemInfo{KubeletVersion: kubeletVersion},
		},
	}
}

// newClientset is a fake clientset whose API server reports gitVersion.
func newClientset(gitVersion string, objects ...runtime.Object) *fake.Clientset {
	cs := fake.NewClientset(objects...)
	cs.Discovery().(*fakediscovery.FakeDiscovery).FakedServerVersion = &version.Info{GitVersion: gitVersion}
	return cs
}

func TestCollect(t *testing.T) {
	tests := []struct {
		name    string
		version string
		nodes   []runtime.Object
		want    Cluster
	}{{
		name:    "k3s with fractional CPUs rounds the sum up",
		version: "v1.37.2+k3s1",
		nodes: []runtime.Object{
			testNode("a", "2", "v1.37.2+k3s1", "k3s://a"),
			testNode("b", "4", "v1.37.2+k3s1", "k3s://b"),
			testNode("c", "1500m", "v1.37.2+k3s1", "k3s://c"),
		},
		want: Cluster{KubernetesVersion: "v1.37.2+k3s1", NodeCount: 3, VCPUCount: 8,
			Distribution: detect.DistributionK3s, Infrastructure: detect.InfrastructureGeneric},
	}, {
		name:    "eks on aws",
		version: "v1.37.1-eks-3025e55",
		nodes: []runtime.Object{
			testNode("ip-10-0-0-1", "2", "v1.37.1-eks-1a2b3c4", "aws:///us-east-1a/i-1"),
			testNode("ip-10-0-0-2", "2", "v1.37.1-eks-1a2b3c4", "aws:///us-east-1b/i-2"),
		},
		want: Cluster{KubernetesVersion: "v1.37.1-eks-3025e55", NodeCount: 2, VCPUCount: 4,
			Distribution: detect.DistributionEKS, Infrastructure: detect.InfrastructureAWS},
	}, {
		name:    "no nodes",
		version: "v1.37.2",
		want: Cluster{KubernetesVersion: "v1.37.2",
			Distribution: detect.DistributionGeneric, Infrastructure: detect.InfrastructureGeneric},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Collect(context.Background(), newClientset(tt.version, tt.nodes...))
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if got != tt.want {
				t.Errorf("Collect = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestCollectPages checks that Collect follows continue tokens. The fake clientset's tracker
// ignores Limit and Continue and returns every node at once, so a reactor serves the pages
// the way the API server does.
func TestCollectPages(t *testing.T) {
	const total = 2*nodePageSize + 3
	all := make([]corev1.Node, total)
	for i := range all {
		all[i] = *testNode(fmt.Sprintf("node-%d", i), "1", "v1.37.2", "vsphere://"+strconv.Itoa(i))
	}
	cs := newClientset("v1.37.2")
	var requests []metav1.ListOptions
	cs.PrependReactor("list", "nodes", func(action k8stesting.Action) (bool, runtime.Object, error) {
		opts := action.(k8stesting.ListActionImpl).GetListOptions()
		requests = append(requests, opts)
		start := 0
		if opts.Continue != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(opts.Continue, "from-"))
		}
		end := min(start+int(opts.Limit), total)
		page := &corev1.NodeList{Items: all[start:end]}
		if end < total {
			page.Continue = fmt.Sprintf("from-%d", end)
		}
		return true, page, nil
	})

	got, err := Collect(context.Background(), cs)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if got.NodeCount != total || got.VCPUCount != total || got.Infrastructure != detect.InfrastructureVSphere {
		t.Errorf("Collect = %+v, want %d nodes, %d vCPUs on vsphere", got, total, total)
	}
	wantContinue := []string{"", fmt.Sprintf("from-%d", nodePageSize), fmt.Sprintf("from-%d", 2*nodePageSize)}
	if len(requests) != len(wantContinue) {
		t.Fatalf("%d list requests, want %d", len(requests), len(wantContinue))
	}
	for i, req := range requests {
		if req.Limit != nodePageSize || req.Continue != wantContinue[i] {
			t.Errorf("request %d: limit %d continue %q, want limit %d continue %q",
				i, req.Limit, req.Continue, nodePageSize, wantContinue[i])
		}
	}
}

func TestCollectErrors(t *testing.T) {
	nodesForbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "nodes"}, "", errors.New("no RBAC"))
	tests := []struct {
		name     string
		verb     string
		resource string
		err      error
		wantText string
	}{
		{"version", "get", "version", errors.New("connection refused"), "reading the API server's version: connection refused"},
		{"nodes forbidden", "list", "nodes", nodesForbidden, "the agent needs list on nodes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := newClientset("v1.37.2", testNode("a", "1", "v1.37.2", ""))
			cs.PrependReactor(tt.verb, tt.resource, func(k8stesting.Action) (bool, runtime.Object, error) {
				return true, nil, tt.err
			})
			_, err := Collect(context.Background(), cs)
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("Collect error = %v, want one containing %q", err, tt.wantText)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("Collect error %v does not wrap %v", err, tt.err)
			}
		})
	}
}

func TestCollectCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Collect(ctx, newClientset("v1.37.2", testNode("a", "1", "v1.37.2", "")))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Collect error = %v, want context.Canceled", err)
	}
}
