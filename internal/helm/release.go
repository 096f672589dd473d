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
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/kube"
	release "helm.sh/helm/v4/pkg/release"
	rcommon "helm.sh/helm/v4/pkg/release/common"
	releasev1 "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage/driver"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/kubearc/kubearc/internal/helm/installer"
)

// Client runs Helm actions in one cluster.
type Client struct {
	getter genericclioptions.RESTClientGetter
	log    slog.Handler
	// configure, when set, replaces the cluster-backed configuration (tests).
	configure func(namespace string) (*action.Configuration, error)
}

// NewClient returns a Client of the cluster getter reaches. log receives Helm's own logs;
// nil discards them.
func NewClient(getter genericclioptions.RESTClientGetter, log slog.Handler) *Client {
	if log == nil {
		log = slog.DiscardHandler
	}
	return &Client{getter: getter, log: log}
}

// Release is what the agent needs to know of a Helm release revision (installer.Release).
type Release = installer.Release

// configuration is Helm's action configuration for namespace, storing releases as Secrets.
func (c *Client) configuration(namespace string) (*action.Configuration, error) {
	if c.configure != nil {
		return c.configure(namespace)
	}
	cfg := action.NewConfiguration(action.ConfigurationSetLogger(c.log))
	if err := cfg.Init(c.getter, namespace, "secret"); err != nil {
		return nil, fmt.Errorf("setting up Helm for namespace %s: %w", namespace, err)
	}
	if kc, ok := cfg.KubeClient.(*kube.Client); ok {
		kc.Namespace = namespace // objects without a namespace go to the release's
	}
	return cfg, nil
}

// History returns the release's revisions, oldest first; none when there is no release.
func (c *Client) History(name, namespace string) ([]*Release, error) {
	cfg, err := c.configuration(namespace)
	if err != nil {
		return nil, err
	}
	return history(cfg, name)
}

func history(cfg *action.Configuration, name string) ([]*Release, error) {
	revisions, err := action.NewHistory(cfg).Run(name)
	if errors.Is(err, driver.ErrReleaseNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the history of Helm release %s: %w", name, err)
	}
	out := make([]*Release, 0, len(revisions))
	for _, r := range revisions {
		rel, err := fromReleaser(r)
		if err != nil {
			return nil, err
		}
		out = append(out, rel)
	}
	slices.SortFunc(out, func(a, b *Release) int { return a.Revision - b.Revision })
	return out, nil
}

// Current returns the release's latest revision, nil when there is no release.
func (c *Client) Current(name, namespace string) (*Release, error) {
	revisions, err := c.History(name, namespace)
	if err != nil || len(revisions) == 0 {
		return nil, err
	}
	return revisions[len(revisions)-1], nil
}

func fromReleaser(r release.Releaser) (*Release, error) {
	rel, ok := r.(*releasev1.Release)
	if !ok {
		return nil, fmt.Errorf("unsupported Helm release type %T", r)
	}
	out := &Release{Name: rel.Name, Namespace: rel.Namespace, Revision: rel.Version, Values: rel.Config}
	if rel.Info != nil {
		out.Status = rel.Info.Status.String()
	}
	if rel.Chart != nil && rel.Chart.Metadata != nil {
		out.ChartName, out.ChartVersion = rel.Chart.Metadata.Name, rel.Chart.Metadata.Version
	}
	return out, nil
}

// succeeded reports whether a revision ran successfully: it is deployed, or was replaced by a
// later one.
func succeeded(r *Release) bool {
	return r.Status == rcommon.StatusDeployed.String() || r.Status == rcommon.StatusSuperseded.String()
}

// unfinished reports whether an action on the revision never finished, e.g. because the agent
// stopped in the middle of it.
func unfinished(r *Release) bool {
	return rcommon.Status(r.Status).IsPending()
}

// lastGood returns the newest good revision, nil when none ever succeeded.
func lastGood(revisions []*Release) *Release {
	for i := len(revisions) - 1; i >= 0; i-- {
		if succeeded(revisions[i]) {
			return revisions[i]
		}
	}
	return nil
}

// Uninstall removes the release and its history; it reports false when there was none.
func (c *Client) Uninstall(name, namespace string) (bool, error) {
	cfg, err := c.configuration(namespace)
	if err != nil {
		return false, err
	}
	u := action.NewUninstall(cfg)
	u.WaitStrategy = kube.HookOnlyStrategy
	u.IgnoreNotFound = true
	resp, err := u.Run(name)
	if err != nil {
		return false, fmt.Errorf("uninstalling Helm release %s/%s: %w", namespace, name, err)
	}
	return resp != nil && resp.Release != nil, nil
}
