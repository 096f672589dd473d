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
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// namespaceObjects are the kinds collected from the agent's namespace besides kubearc's own.
var namespaceObjects = []schema.GroupVersionResource{
	{Version: "v1", Resource: "events"},
	{Version: "v1", Resource: "pods"},
	{Group: "apps", Version: "v1", Resource: "deployments"},
	{Version: "v1", Resource: "services"},
	{Version: "v1", Resource: "configmaps"},
}

// Cluster collects what the cluster's API server shows of kubearc, as whoever cfg
// authenticates: the cluster's RBAC decides what is read.
type Cluster struct {
	bundle  *Bundle
	kube    kubernetes.Interface
	dynamic dynamic.Interface
	// namespace is the agent's, holding kubearc's namespaced objects.
	namespace string
	// since bounds the container logs read.
	since time.Duration
}

// NewCluster returns a collector into bundle of the cluster cfg reaches, whose agent runs in
// namespace.
func NewCluster(bundle *Bundle, cfg *rest.Config, namespace string, since time.Duration) (*Cluster, error) {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the Kubernetes client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the Kubernetes client: %w", err)
	}
	return &Cluster{bundle: bundle, kube: kube, dynamic: dyn, namespace: namespace, since: since}, nil
}

// Collect reads the cluster's version first: when the API server cannot be reached at all,
// that one failure is recorded instead of one per object kind.
func (c *Cluster) Collect(ctx context.Context) {
	reachable := true
	c.bundle.Step("the Kubernetes version", func() error {
		v, err := c.kube.Discovery().ServerVersion()
		if err != nil {
			reachable = false
			return fmt.Errorf("reaching the cluster's API server: %w", err)
		}
		return c.bundle.AddJSON("cluster/version.json", v)
	})
	if !reachable {
		return
	}
	c.collectKubearcKinds(ctx)
	for _, gvr := range namespaceObjects {
		c.bundle.Step(gvr.Resource+" in "+c.namespace, func() error {
			return c.list(ctx, gvr, c.namespace, "cluster/"+c.namespace+"/"+gvr.Resource+".json")
		})
	}
	c.bundle.Step("secrets in "+c.namespace+" (names and types only)", func() error { return c.listSecrets(ctx) })
	c.collectContainerLogs(ctx)
}

// list writes the objects of gvr in namespace ("" for all) to name.
func (c *Cluster) list(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) error {
	objs, err := c.dynamic.Resource(gvr).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	return c.bundle.AddJSON(name, objs)
}

// secretRef is what the bundle shows of a Secret: never its data.
type secretRef struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func (c *Cluster) listSecrets(ctx context.Context) error {
	secrets, err := c.kube.CoreV1().Secrets(c.namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	refs := make([]secretRef, 0, len(secrets.Items))
	for _, s := range secrets.Items {
		refs = append(refs, secretRef{Name: s.Name, Type: string(s.Type)})
	}
	return c.bundle.AddJSON("cluster/"+c.namespace+"/secrets.json", refs)
}
