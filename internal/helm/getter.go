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

package helm

import (
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// restGetter gives Helm clients of a cluster known by its rest.Config (the agent has no
// kubeconfig file), sharing one in-memory discovery cache.
type restGetter struct {
	cfg       *rest.Config
	namespace string

	once      sync.Once
	discovery discovery.CachedDiscoveryInterface
	mapper    meta.ResettableRESTMapper
	err       error
}

var _ genericclioptions.RESTClientGetter = (*restGetter)(nil)

// NewRESTClientGetter returns Helm's RESTClientGetter for cfg, with namespace as the
// default namespace.
func NewRESTClientGetter(cfg *rest.Config, namespace string) genericclioptions.RESTClientGetter {
	return &restGetter{cfg: rest.CopyConfig(cfg), namespace: namespace}
}

// ToRESTConfig returns a copy of the config.
func (g *restGetter) ToRESTConfig() (*rest.Config, error) { return rest.CopyConfig(g.cfg), nil }

func (g *restGetter) init() {
	g.once.Do(func() {
		dc, err := discovery.NewDiscoveryClientForConfig(g.cfg)
		if err != nil {
			g.err = err
			return
		}
		g.discovery = memory.NewMemCacheClient(dc)
		g.mapper = restmapper.NewDeferredDiscoveryRESTMapper(g.discovery)
	})
}

// ToDiscoveryClient returns the shared, in-memory cached discovery client.
func (g *restGetter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	g.init()
	return g.discovery, g.err
}

// ToRESTMapper returns a mapper that refreshes the discovery cache on a miss, so that CRDs
// a chart installs are found.
func (g *restGetter) ToRESTMapper() (meta.RESTMapper, error) {
	g.init()
	return g.mapper, g.err
}

// ToRawKubeConfigLoader returns a loader that yields the config and the default namespace.
func (g *restGetter) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	return &fixedClientConfig{getter: g}
}

// fixedClientConfig is a clientcmd.ClientConfig that is not backed by a kubeconfig file.
type fixedClientConfig struct{ getter *restGetter }

func (c *fixedClientConfig) RawConfig() (clientcmdapi.Config, error) {
	return *clientcmdapi.NewConfig(), nil
}

func (c *fixedClientConfig) ClientConfig() (*rest.Config, error) { return c.getter.ToRESTConfig() }

func (c *fixedClientConfig) Namespace() (string, bool, error) {
	return c.getter.namespace, false, nil
}

func (c *fixedClientConfig) ConfigAccess() clientcmd.ConfigAccess {
	return clientcmd.NewDefaultClientConfigLoadingRules()
}
