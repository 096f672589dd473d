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

package troubleshoot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// collectKubearcKinds lists every kind the API group arc.kubearc.io serves, as discovery
// finds them, so that a kind added later is collected too: cluster-scoped ones (the
// ArcConnection) whole, namespaced ones in the agent's namespace.
func (c *Cluster) collectKubearcKinds(ctx context.Context) {
	group := arcv1alpha1.GroupVersion.Group
	var resources []metav1.APIResource
	var version string
	c.bundle.Step("the kinds of "+group, func() error {
		var err error
		version, resources, err = c.kubearcResources()
		return err
	})
	for _, r := range resources {
		gvr := schema.GroupVersionResource{Group: group, Version: version, Resource: r.Name}
		namespace, where := "", ""
		if r.Namespaced {
			namespace, where = c.namespace, " in "+c.namespace
		}
		c.bundle.Step(r.Name+"."+group+where, func() error {
			return c.list(ctx, gvr, namespace, "cluster/"+group+"/"+r.Name+".json")
		})
	}
}

// kubearcResources returns the preferred version of arc.kubearc.io and its listable
// resources (not subresources such as status).
func (c *Cluster) kubearcResources() (string, []metav1.APIResource, error) {
	group := arcv1alpha1.GroupVersion.Group
	groups, err := c.kube.Discovery().ServerGroups()
	if err != nil {
		return "", nil, fmt.Errorf("discovering the API groups: %w", err)
	}
	i := slices.IndexFunc(groups.Groups, func(g metav1.APIGroup) bool { return g.Name == group })
	if i < 0 {
		return "", nil, fmt.Errorf("the cluster serves no API group %s: the agent's CRDs are not installed", group)
	}
	preferred := groups.Groups[i].PreferredVersion
	list, err := c.kube.Discovery().ServerResourcesForGroupVersion(preferred.GroupVersion)
	if err != nil {
		return "", nil, fmt.Errorf("discovering the kinds of %s: %w", preferred.GroupVersion, err)
	}
	var out []metav1.APIResource
	for _, r := range list.APIResources {
		if !strings.Contains(r.Name, "/") && slices.Contains(r.Verbs, "list") {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b metav1.APIResource) int { return strings.Compare(a.Name, b.Name) })
	return preferred.Version, out, nil
}
