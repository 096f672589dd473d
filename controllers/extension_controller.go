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

package controllers

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/helm"
)

// ExtensionFinalizer makes the agent uninstall an Extension's release before the CR goes.
const ExtensionFinalizer = "arc.kubearc.io/extension"

// Intervals of the Extension reconciler.
const (
	// extensionResync re-checks a deployed release for drift.
	extensionResync = 10 * time.Minute
	// extensionUpgradeRetry is how long a rolled-back upgrade waits before the next try of
	// the same spec; a new spec is tried at once.
	extensionUpgradeRetry = 5 * time.Minute
	// secretWait is how long a missing protected-settings Secret is waited for; its watch
	// wakes the reconciler sooner.
	secretWait = time.Minute
)

// ExtensionReconciler installs, upgrades and uninstalls the Helm release of each Extension
// in the agent's namespace.
type ExtensionReconciler struct {
	client.Client
	Helm     *helm.Client
	Charts   *helm.ChartSource
	Recorder events.EventRecorder
	// Namespace is the agent's namespace, the only one whose Extensions it handles: their
	// protected settings are Secrets there, and only there may the agent read Secrets.
	Namespace string
}

// The agent installs charts of any content, which takes the rights of a cluster admin, as
// the extension manager of Azure Arc has. The chart grants them apart from the generated
// least-privilege rules, in templates/extensions-rbac.yaml, when extensions.clusterAdmin is
// true (the default), so an operator can see and withhold them.
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=extensions,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=extensions/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=extensions/finalizers,verbs=update

// Reconcile makes the Extension's Helm release what its spec says and records the outcome.
func (r *ExtensionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	obj := &arcv1alpha1.Extension{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	base := obj.DeepCopy()
	defer func() {
		if obj.DeletionTimestamp.IsZero() || controllerutil.ContainsFinalizer(obj, ExtensionFinalizer) {
			err = errors.Join(err, client.IgnoreNotFound(r.Status().Patch(ctx, obj, client.MergeFrom(base))))
		}
	}()
	if !obj.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, obj)
	}
	if !controllerutil.ContainsFinalizer(obj, ExtensionFinalizer) {
		patch := client.MergeFrom(obj.DeepCopy())
		controllerutil.AddFinalizer(obj, ExtensionFinalizer)
		if err := r.Patch(ctx, obj, patch); err != nil {
			return ctrl.Result{}, fmt.Errorf("adding the finalizer: %w", err)
		}
		base.Finalizers = obj.Finalizers
		base.ResourceVersion = obj.ResourceVersion
	}
	if obj.Namespace != r.Namespace {
		setExtensionStalled(obj, arcv1alpha1.InvalidSpecReason,
			fmt.Sprintf("Extensions are handled in the agent's namespace only: create it in namespace %s", r.Namespace))
		return ctrl.Result{}, nil
	}
	return r.install(ctx, obj)
}

// install runs the steps of a reconcile: settings, chart, release.
func (r *ExtensionReconciler) install(ctx context.Context, obj *arcv1alpha1.Extension) (ctrl.Result, error) {
	if obj.Status.ObservedGeneration != obj.Generation {
		setExtensionReconciling(obj, fmt.Sprintf("Installing %s %s", obj.Spec.ExtensionType, obj.Spec.Version))
	}
	protected, err := r.protectedSettings(ctx, obj)
	var missing *missingSettingsError
	if errors.As(err, &missing) {
		setExtensionNotReady(obj, arcv1alpha1.SecretNotFoundReason, missing.Error())
		return ctrl.Result{RequeueAfter: secretWait}, nil
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	values, err := helm.Values(obj.Spec.ConfigurationSettings, protected)
	if err != nil {
		setExtensionStalled(obj, arcv1alpha1.InvalidSettingsReason, err.Error())
		return ctrl.Result{}, nil
	}
	ref := obj.Spec.Chart
	chrt, err := r.Charts.Fetch(ctx, helm.ChartRef{Repository: ref.Repository, Name: ref.Name, Version: ref.Version})
	if err != nil {
		setExtensionNotReady(obj, arcv1alpha1.ChartUnavailableReason, redact(err.Error(), protected))
		return ctrl.Result{}, err
	}
	obj.Status.LastAttemptedVersion = obj.Spec.Version
	rel, changed, err := r.Helm.Apply(ctx, helm.Request{
		Name: obj.Name, Namespace: releaseNamespace(obj), Chart: chrt, Values: values, CreateNamespace: true,
		Description: fmt.Sprintf("%s %s by the kubearc agent", obj.Spec.ExtensionType, obj.Spec.Version),
	})
	return r.recordRelease(obj, rel, changed, redactErr(err, protected))
}

// recordRelease writes the outcome of Apply into the status.
func (r *ExtensionReconciler) recordRelease(obj *arcv1alpha1.Extension, rel *helm.Release, changed bool, err error) (ctrl.Result, error) {
	obj.Status.ReleaseName, obj.Status.ReleaseNamespace = obj.Name, releaseNamespace(obj)
	if rel != nil {
		obj.Status.HelmRevision = rel.Revision
	}
	var upgradeErr *helm.UpgradeError
	switch {
	case errors.As(err, &upgradeErr):
		msg := fmt.Sprintf("Upgrading to %s failed; the release was rolled back and version %s keeps running: %s",
			obj.Spec.Version, orUnknown(obj.Status.InstalledVersion), err.Error())
		setExtensionNotReady(obj, arcv1alpha1.UpgradeFailedReason, msg)
		meta.RemoveStatusCondition(&obj.Status.Conditions, arcv1alpha1.ReconcilingCondition)
		obj.Status.ObservedGeneration = obj.Generation
		r.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, arcv1alpha1.UpgradeFailedReason, "Upgrade", truncate(msg))
		return ctrl.Result{RequeueAfter: jitter(extensionUpgradeRetry)}, nil
	case err != nil:
		msg := fmt.Sprintf("Installing %s %s failed: %s", obj.Spec.ExtensionType, obj.Spec.Version, err.Error())
		setExtensionNotReady(obj, arcv1alpha1.InstallFailedReason, msg)
		r.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, arcv1alpha1.InstallFailedReason, "Install", truncate(msg))
		return ctrl.Result{}, fmt.Errorf("installing Extension %s: %w", obj.Name, err)
	}
	ref := obj.Spec.Chart
	obj.Status.InstalledVersion = obj.Spec.Version
	obj.Status.InstalledChart = &ref
	msg := fmt.Sprintf("Installed %s %s (chart %s %s, Helm revision %d)", obj.Spec.ExtensionType, obj.Spec.Version, ref.Name, ref.Version, rel.Revision)
	setExtensionReady(obj, msg)
	if changed {
		r.Recorder.Eventf(obj, nil, corev1.EventTypeNormal, arcv1alpha1.SucceededReason, "Install", msg)
	}
	return ctrl.Result{RequeueAfter: jitter(extensionResync)}, nil
}

// finalize uninstalls the release, then lets the CR go.
func (r *ExtensionReconciler) finalize(ctx context.Context, obj *arcv1alpha1.Extension) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, ExtensionFinalizer) {
		return ctrl.Result{}, nil
	}
	setExtensionReconciling(obj, "Uninstalling")
	if obj.Namespace == r.Namespace {
		if _, err := r.Helm.Uninstall(obj.Name, releaseNamespace(obj)); err != nil {
			setExtensionNotReady(obj, arcv1alpha1.UninstallFailedReason, "Uninstalling the release failed: "+err.Error())
			return ctrl.Result{}, err
		}
	}
	patch := client.MergeFrom(obj.DeepCopy())
	controllerutil.RemoveFinalizer(obj, ExtensionFinalizer)
	return ctrl.Result{}, client.IgnoreNotFound(r.Patch(ctx, obj, patch))
}

// missingSettingsError says the protected-settings Secret is missing.
type missingSettingsError struct{ ref string }

func (e *missingSettingsError) Error() string {
	return fmt.Sprintf("the protected settings Secret %s is missing: create it in the agent's namespace", e.ref)
}

// protectedSettings reads the Secret the spec names: each key is a dotted value key.
func (r *ExtensionReconciler) protectedSettings(ctx context.Context, obj *arcv1alpha1.Extension) (map[string]string, error) {
	ref := obj.Spec.ProtectedSettingsSecretRef
	if ref == nil {
		return nil, nil
	}
	secret := &corev1.Secret{}
	err := r.Get(ctx, client.ObjectKey{Namespace: obj.Namespace, Name: ref.Name}, secret)
	if apierrors.IsNotFound(err) {
		return nil, &missingSettingsError{ref: obj.Namespace + "/" + ref.Name}
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

// releaseNamespace is where the release and its objects go.
func releaseNamespace(obj *arcv1alpha1.Extension) string {
	if obj.Spec.Namespace != "" {
		return obj.Spec.Namespace
	}
	return obj.Namespace
}

// redact removes protected values from a message meant for status, events or logs. Values
// shorter than three characters are left: they cannot be told apart from ordinary text.
func redact(msg string, protected map[string]string) string {
	for _, v := range protected {
		if len(v) >= 3 {
			msg = strings.ReplaceAll(msg, v, "[redacted]")
		}
	}
	return msg
}

// redactErr keeps err's type (callers tell install and upgrade failures apart) and redacts
// its message.
func redactErr(err error, protected map[string]string) error {
	if err == nil || len(protected) == 0 {
		return err
	}
	return &redactedError{err: err, msg: redact(err.Error(), protected)}
}

type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }

// Unwrap lets errors.As find the Helm error type; its own message is not shown.
func (e *redactedError) Unwrap() error { return e.err }

func orUnknown(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// truncate keeps event notes within what the events API accepts.
func truncate(s string) string {
	if len(s) > 1000 {
		return s[:1000] + "…"
	}
	return s
}

func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()*0.2-0.1)*float64(d))
}

func setExtensionCondition(obj *arcv1alpha1.Extension, t string, status metav1.ConditionStatus, reason, msg string) {
	meta.SetStatusCondition(&obj.Status.Conditions, metav1.Condition{
		Type: t, Status: status, Reason: reason, Message: msg, ObservedGeneration: obj.Generation})
}

func setExtensionReconciling(obj *arcv1alpha1.Extension, msg string) {
	meta.RemoveStatusCondition(&obj.Status.Conditions, arcv1alpha1.StalledCondition)
	setExtensionCondition(obj, arcv1alpha1.ReconcilingCondition, metav1.ConditionTrue, arcv1alpha1.ProgressingReason, msg)
	if meta.FindStatusCondition(obj.Status.Conditions, arcv1alpha1.ReadyCondition) == nil {
		setExtensionCondition(obj, arcv1alpha1.ReadyCondition, metav1.ConditionUnknown, arcv1alpha1.ProgressingReason, msg)
	}
	obj.Status.Message = msg
}

func setExtensionNotReady(obj *arcv1alpha1.Extension, reason, msg string) {
	setExtensionCondition(obj, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, msg)
	setExtensionCondition(obj, arcv1alpha1.ReconcilingCondition, metav1.ConditionTrue, arcv1alpha1.ProgressingReason, "Retrying: "+msg)
	obj.Status.Message = msg
}

func setExtensionStalled(obj *arcv1alpha1.Extension, reason, msg string) {
	meta.RemoveStatusCondition(&obj.Status.Conditions, arcv1alpha1.ReconcilingCondition)
	setExtensionCondition(obj, arcv1alpha1.StalledCondition, metav1.ConditionTrue, reason, msg)
	setExtensionCondition(obj, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, msg)
	obj.Status.Message = msg
	obj.Status.ObservedGeneration = obj.Generation
}

func setExtensionReady(obj *arcv1alpha1.Extension, msg string) {
	meta.RemoveStatusCondition(&obj.Status.Conditions, arcv1alpha1.ReconcilingCondition)
	meta.RemoveStatusCondition(&obj.Status.Conditions, arcv1alpha1.StalledCondition)
	setExtensionCondition(obj, arcv1alpha1.ReadyCondition, metav1.ConditionTrue, arcv1alpha1.SucceededReason, msg)
	obj.Status.Message = msg
	obj.Status.ObservedGeneration = obj.Generation
}

// SetupWithManager watches Extensions and the Secrets their protected settings live in.
func (r *ExtensionReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&arcv1alpha1.Extension{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.extensionsOfSecret)).
		Named("extension").
		Complete(r)
}

// extensionsOfSecret maps a Secret to the Extensions whose protected settings it holds.
func (r *ExtensionReconciler) extensionsOfSecret(ctx context.Context, o client.Object) []reconcile.Request {
	if o.GetNamespace() != r.Namespace {
		return nil
	}
	list := &arcv1alpha1.ExtensionList{}
	if err := r.List(ctx, list, client.InNamespace(r.Namespace)); err != nil {
		return nil
	}
	var out []reconcile.Request
	for _, e := range list.Items {
		if ref := e.Spec.ProtectedSettingsSecretRef; ref != nil && ref.Name == o.GetName() {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&e)})
		}
	}
	return out
}
