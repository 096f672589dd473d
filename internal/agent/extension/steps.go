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

package extension

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/helm/installer"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// install is one reconcile's way to the release: each step leaves what the next needs.
type install struct {
	r         *Reconciler
	protected map[string]string
}

// start says a new generation is being installed.
func (in *install) start(_ context.Context, obj *arcv1alpha1.Extension) (ctrl.Result, error) {
	if obj.Status.ObservedGeneration != obj.Generation {
		reconcile.MarkReconciling(obj, arcv1alpha1.ProgressingReason,
			fmt.Sprintf("Installing %s %s", obj.Spec.ExtensionType, obj.Spec.Version))
	}
	return ctrl.Result{}, nil
}

// readSettings reads the protected settings.
func (in *install) readSettings(ctx context.Context, obj *arcv1alpha1.Extension) (ctrl.Result, error) {
	protected, err := in.r.protectedSettings(ctx, obj)
	if err != nil {
		return ctrl.Result{}, err
	}
	in.protected = protected
	return ctrl.Result{}, nil
}

// apply has the installer build the values, fetch the chart and install or upgrade the
// release, and records the outcome. Settings that are no Helm values stall; a chart that
// cannot be fetched is retried.
func (in *install) apply(ctx context.Context, obj *arcv1alpha1.Extension) (ctrl.Result, error) {
	ref := obj.Spec.Chart
	rel, changed, err := in.r.Helm.Apply(ctx, installer.Request{
		Name: obj.Name, Namespace: releaseNamespace(obj), CreateNamespace: true,
		Chart:    installer.ChartRef{Repository: ref.Repository, Name: ref.Name, Version: ref.Version},
		Settings: obj.Spec.ConfigurationSettings, ProtectedSettings: in.protected,
		Description: fmt.Sprintf("%s %s by the kubearc agent", obj.Spec.ExtensionType, obj.Spec.Version),
	})
	err = redactErr(err, in.protected) // the rate limiter logs it
	var settingsErr *installer.SettingsError
	var chartErr *installer.ChartError
	switch {
	case errors.As(err, &settingsErr):
		return ctrl.Result{}, reconcile.Stall(arcv1alpha1.InvalidSettingsReason, err.Error())
	case errors.As(err, &chartErr):
		return ctrl.Result{}, reconcile.Retry(arcv1alpha1.ChartUnavailableReason, err.Error(), err)
	}
	obj.Status.LastAttemptedVersion = obj.Spec.Version
	return in.r.record(obj, rel, changed, err)
}

// record writes the outcome of Apply into the status.
func (r *Reconciler) record(obj *arcv1alpha1.Extension, rel *installer.Release, changed bool, err error) (ctrl.Result, error) {
	obj.Status.ReleaseName, obj.Status.ReleaseNamespace = obj.Name, releaseNamespace(obj)
	if rel != nil {
		obj.Status.HelmRevision = rel.Revision
	}
	var upgradeErr *installer.UpgradeError
	switch {
	case errors.As(err, &upgradeErr):
		msg := fmt.Sprintf("Upgrading to %s failed; the release was rolled back and version %s keeps running: %s",
			obj.Spec.Version, orUnknown(obj.Status.InstalledVersion), err.Error())
		reconcile.MarkNotReady(obj, arcv1alpha1.UpgradeFailedReason, msg)
		reconcile.Event(r.Recorder, obj, corev1.EventTypeWarning, arcv1alpha1.UpgradeFailedReason, "Upgrade", msg)
		return ctrl.Result{RequeueAfter: reconcile.Jitter(upgradeRetry)}, nil
	case err != nil:
		msg := fmt.Sprintf("Installing %s %s failed: %s", obj.Spec.ExtensionType, obj.Spec.Version, err.Error())
		reconcile.Event(r.Recorder, obj, corev1.EventTypeWarning, arcv1alpha1.InstallFailedReason, "Install", msg)
		return ctrl.Result{}, reconcile.Retry(arcv1alpha1.InstallFailedReason, msg, errInstall(obj, err))
	}
	ref := obj.Spec.Chart
	obj.Status.InstalledVersion = obj.Spec.Version
	obj.Status.InstalledChart = &ref
	msg := fmt.Sprintf("Installed %s %s (chart %s %s, Helm revision %d)", obj.Spec.ExtensionType, obj.Spec.Version, ref.Name, ref.Version, rel.Revision)
	reconcile.MarkReady(obj, arcv1alpha1.SucceededReason, msg)
	if changed {
		reconcile.Event(r.Recorder, obj, corev1.EventTypeNormal, arcv1alpha1.SucceededReason, "Install", msg)
	}
	return ctrl.Result{RequeueAfter: reconcile.Jitter(resync)}, nil
}

// protectedSettings reads the Secret the spec names: each key is a dotted value key. A
// missing Secret is waited for.
func (r *Reconciler) protectedSettings(ctx context.Context, obj *arcv1alpha1.Extension) (map[string]string, error) {
	ref := obj.Spec.ProtectedSettingsSecretRef
	if ref == nil {
		return nil, nil
	}
	secret := &corev1.Secret{}
	err := r.Get(ctx, client.ObjectKey{Namespace: obj.Namespace, Name: ref.Name}, secret)
	if apierrors.IsNotFound(err) {
		return nil, reconcile.WaitForSecret(fmt.Sprintf(
			"the protected settings Secret %s/%s is missing: create it in the agent's namespace", obj.Namespace, ref.Name))
	}
	if err != nil {
		return nil, fmt.Errorf("reading the protected settings Secret %s/%s: %w", obj.Namespace, ref.Name, err)
	}
	out := make(map[string]string, len(secret.Data))
	for k, v := range secret.Data {
		out[k] = string(v)
	}
	return out, nil
}
