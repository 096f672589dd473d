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
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"helm.sh/helm/v4/pkg/action"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/kube"

	"github.com/kubearc/kubearc/internal/helm/installer"
)

// Request is a release as it should be.
type Request struct {
	Name      string
	Namespace string
	Chart     *chartv2.Chart
	// Values are the release's values; they replace the previous revision's.
	Values map[string]any
	// ReuseValues keeps the previous revision's values, with Values merged over them.
	ReuseValues bool
	// CreateNamespace creates Namespace on the first install when it is missing.
	CreateNamespace bool
	// Description is recorded on the new revision.
	Description string
	// Always upgrades a release that already has this chart and these values, which puts
	// back objects changed in the cluster since.
	Always bool
}

// InstallError and UpgradeError are Apply's failures (installer.InstallError,
// installer.UpgradeError), so the agent tells them apart across the installer process.
type (
	InstallError = installer.InstallError
	UpgradeError = installer.UpgradeError
)

// Apply makes the release what req says: it installs it, upgrades it when its chart or
// values differ, or does nothing when it is up to date (changed is false). A failed upgrade
// is rolled back to the last good revision and returned as *UpgradeError; a failed first
// install is returned as *InstallError. A revision left pending by an interrupted action is
// cleaned up first.
func (c *Client) Apply(ctx context.Context, req Request) (rel *Release, changed bool, err error) {
	cfg, err := c.configuration(req.Namespace)
	if err != nil {
		return nil, false, err
	}
	revisions, err := c.recoverPending(cfg, req)
	if err != nil {
		return nil, false, err
	}
	good := lastGood(revisions)
	if good == nil {
		rel, err := firstInstall(ctx, cfg, req, len(revisions) > 0)
		return rel, true, err
	}
	if current := revisions[len(revisions)-1]; !req.Always && succeeded(current) && upToDate(current, req) {
		return current, false, nil
	}
	rel, err = upgrade(ctx, cfg, req)
	if err != nil {
		uerr := &UpgradeError{Err: err}
		uerr.RolledBackTo, uerr.RollbackErr = rollback(cfg, req.Name, good)
		return uerr.RolledBackTo, true, uerr
	}
	return rel, true, nil
}

// recoverPending returns the release's history after ending an action that never finished:
// it rolls back to the last good revision, or uninstalls a release that never had one.
// Only the elected agent acts on its releases, so a pending revision is not in progress.
func (c *Client) recoverPending(cfg *action.Configuration, req Request) ([]*Release, error) {
	revisions, err := history(cfg, req.Name)
	if err != nil || len(revisions) == 0 || !unfinished(revisions[len(revisions)-1]) {
		return revisions, err
	}
	if good := lastGood(revisions); good != nil {
		if _, err := rollback(cfg, req.Name, good); err != nil {
			return nil, err
		}
	} else if _, err := c.Uninstall(req.Name, req.Namespace); err != nil {
		return nil, err
	}
	return history(cfg, req.Name)
}

func firstInstall(ctx context.Context, cfg *action.Configuration, req Request, replace bool) (*Release, error) {
	in := action.NewInstall(cfg)
	in.ReleaseName, in.Namespace = req.Name, req.Namespace
	in.CreateNamespace = req.CreateNamespace
	in.Replace = replace // a failed first install is installed again under its name
	in.WaitStrategy = kube.HookOnlyStrategy
	in.Description = req.Description
	r, err := in.RunWithContext(ctx, req.Chart, valuesOrEmpty(req.Values))
	if err != nil {
		return nil, &InstallError{Err: err}
	}
	return fromReleaser(r)
}

func upgrade(ctx context.Context, cfg *action.Configuration, req Request) (*Release, error) {
	up := action.NewUpgrade(cfg)
	up.Namespace = req.Namespace
	up.WaitStrategy = kube.HookOnlyStrategy
	up.ReuseValues = req.ReuseValues
	up.MaxHistory = 10
	up.Description = req.Description
	r, err := up.RunWithContext(ctx, req.Name, req.Chart, valuesOrEmpty(req.Values))
	if err != nil {
		return nil, err
	}
	return fromReleaser(r)
}

// rollback returns the release to the revision good and returns the new revision.
func rollback(cfg *action.Configuration, name string, good *Release) (*Release, error) {
	rb := action.NewRollback(cfg)
	rb.Version = good.Revision
	rb.WaitStrategy = kube.HookOnlyStrategy
	rb.MaxHistory = 10
	rb.Description = fmt.Sprintf("Rolled back to revision %d by the kubearc agent", good.Revision)
	if err := rb.Run(name); err != nil {
		return nil, fmt.Errorf("rolling back Helm release %s to revision %d: %w", name, good.Revision, err)
	}
	revisions, err := history(cfg, name)
	if err != nil || len(revisions) == 0 {
		return nil, err
	}
	return revisions[len(revisions)-1], nil
}

// upToDate reports whether the deployed revision has req's chart and values.
func upToDate(current *Release, req Request) bool {
	if req.ReuseValues || req.Chart == nil || req.Chart.Metadata == nil {
		return false
	}
	if current.ChartName != req.Chart.Metadata.Name || current.ChartVersion != req.Chart.Metadata.Version {
		return false
	}
	// Stored values come back from JSON: compare their JSON forms.
	a, errA := json.Marshal(valuesOrEmpty(current.Values))
	b, errB := json.Marshal(valuesOrEmpty(req.Values))
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

func valuesOrEmpty(v map[string]any) map[string]any {
	if v == nil {
		return map[string]any{}
	}
	return v
}
