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
	"sync"
	"time"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/flux"
	"github.com/kubearc/kubearc/internal/report"
)

// gitOpsFinalizer lets the agent delete the Flux objects (and so, through Flux, the applied
// workloads when prune is set) before a GitOpsConfiguration goes away.
const gitOpsFinalizer = "arc.kubearc.io/gitops-cleanup"

// Requeue intervals of the GitOps controller.
const (
	// fluxInstallPoll is how often the agent looks for Flux's APIs while they are missing.
	fluxInstallPoll = 10 * time.Second
	// gitOpsResync re-reads the Flux objects now and then; their changes arrive as events.
	gitOpsResync = 10 * time.Minute
	// fluxFinalizePoll is how often deletion checks whether Flux finished its finalizers.
	fluxFinalizePoll = 5 * time.Second
)

// GitOpsConfigurationReconciler makes Flux sync a GitOpsConfiguration's repository: it
// renders and applies a GitRepository and Kustomizations, and maps their conditions back.
type GitOpsConfigurationReconciler struct {
	client.Client
	// Discovery tells whether the Flux APIs are served.
	Discovery discovery.DiscoveryInterface
	// Recorder records compliance changes as events on the GitOpsConfiguration.
	Recorder events.EventRecorder
	// Flux writes and reads the Flux objects.
	Flux *flux.Applier
	// Namespace is the agent's namespace, the only one whose GitOpsConfigurations it acts
	// on: it reads protected settings there only.
	Namespace string

	cache      cache.Cache
	controller controller.Controller
	watchMu    sync.Mutex
	watching   bool
}

// +kubebuilder:rbac:groups=arc.kubearc.io,resources=gitopsconfigurations,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=gitopsconfigurations/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=gitopsconfigurations/finalizers,verbs=update
// +kubebuilder:rbac:groups=source.toolkit.fluxcd.io,resources=gitrepositories,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=kustomize.toolkit.fluxcd.io,resources=kustomizations,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=secrets,verbs=create;update;patch;deletecollection
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=create

// Reconcile applies the configuration's Flux objects and records what Flux reports.
func (r *GitOpsConfigurationReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	cfg := &arcv1alpha1.GitOpsConfiguration{}
	if err := r.Get(ctx, req.NamespacedName, cfg); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if cfg.Namespace != r.Namespace {
		return ctrl.Result{}, r.refuseNamespace(ctx, cfg)
	}
	if cfg.DeletionTimestamp.IsZero() && !controllerutil.ContainsFinalizer(cfg, gitOpsFinalizer) {
		patch := client.MergeFrom(cfg.DeepCopy())
		controllerutil.AddFinalizer(cfg, gitOpsFinalizer)
		if err := r.Patch(ctx, cfg, patch); err != nil {
			return ctrl.Result{}, err
		}
	}
	base := cfg.DeepCopy()
	defer func() {
		if patchErr := client.IgnoreNotFound(r.Status().Patch(ctx, cfg, client.MergeFrom(base))); patchErr != nil && err == nil {
			err = patchErr
		}
	}()
	installed, err := flux.Installed(r.Discovery)
	if err != nil {
		return ctrl.Result{}, err
	}
	if !cfg.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, cfg, installed)
	}
	if !installed {
		markFluxNotInstalled(cfg)
		return ctrl.Result{RequeueAfter: fluxInstallPoll}, nil
	}
	if err := r.ensureFluxWatches(ctx); err != nil {
		return ctrl.Result{}, err
	}
	return r.sync(ctx, cfg)
}

// refuseNamespace stalls a GitOpsConfiguration outside the agent's namespace.
func (r *GitOpsConfigurationReconciler) refuseNamespace(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration) error {
	base := cfg.DeepCopy()
	markStalled(cfg, fmt.Errorf("%w: GitOpsConfigurations are only reconciled in the agent's namespace %s: create it there",
		flux.ErrInvalidSpec, r.Namespace))
	return client.IgnoreNotFound(r.Status().Patch(ctx, cfg, client.MergeFrom(base)))
}

// sync renders, applies, prunes and observes the Flux objects.
func (r *GitOpsConfigurationReconciler) sync(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration) (ctrl.Result, error) {
	protected, err := r.protectedSettings(ctx, cfg)
	if err != nil {
		return r.waitForSecret(cfg, err)
	}
	objs, err := flux.Render(cfg, protected)
	if errors.Is(err, flux.ErrInvalidSpec) {
		markStalled(cfg, err)
		return ctrl.Result{}, nil
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	if err := r.Flux.Apply(ctx, cfg, objs); err != nil {
		markNotReady(cfg, arcv1alpha1.ApplyFailedReason, err.Error())
		return ctrl.Result{}, err
	}
	if err := r.Flux.Prune(ctx, cfg, objs); err != nil {
		return ctrl.Result{}, err
	}
	obs, err := r.Flux.Observe(ctx, cfg, objs)
	if err != nil {
		return ctrl.Result{}, err
	}
	r.recordCompliance(cfg, obs)
	return ctrl.Result{RequeueAfter: gitOpsResync}, nil
}

// protectedSettings returns the data of the Secret spec.secretRef names, or nil.
func (r *GitOpsConfigurationReconciler) protectedSettings(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration) (map[string][]byte, error) {
	if cfg.Spec.SecretRef == nil {
		return nil, nil
	}
	secret := &corev1.Secret{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: cfg.Namespace, Name: cfg.Spec.SecretRef.Name}, secret); err != nil {
		return nil, err
	}
	return secret.Data, nil
}

// waitForSecret reports a missing protected-settings Secret; its creation triggers a
// reconcile through the Secret watch.
func (r *GitOpsConfigurationReconciler) waitForSecret(cfg *arcv1alpha1.GitOpsConfiguration, err error) (ctrl.Result, error) {
	if client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, err
	}
	markWaiting(cfg, arcv1alpha1.SecretNotFoundReason,
		"the protected-settings Secret "+cfg.Spec.SecretRef.Name+" named by spec.secretRef is missing in namespace "+
			cfg.Namespace+": create it or fix spec.secretRef")
	return ctrl.Result{RequeueAfter: gitOpsResync}, nil
}

// finalize deletes the Flux objects, waits for Flux's finalizers, then releases the
// GitOpsConfiguration.
func (r *GitOpsConfigurationReconciler) finalize(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration, installed bool) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(cfg, gitOpsFinalizer) {
		return ctrl.Result{}, nil
	}
	if installed {
		remaining, err := r.Flux.Delete(ctx, cfg)
		if err != nil {
			return ctrl.Result{}, err
		}
		if remaining > 0 {
			markWaiting(cfg, arcv1alpha1.ProgressingReason, "deleting the Flux objects: waiting for Flux to finalize them")
			return ctrl.Result{RequeueAfter: fluxFinalizePoll}, nil
		}
	}
	patch := client.MergeFrom(cfg.DeepCopy())
	controllerutil.RemoveFinalizer(cfg, gitOpsFinalizer)
	return ctrl.Result{}, r.Patch(ctx, cfg, patch)
}

// recordCompliance copies the observation into the status and sets the conditions.
func (r *GitOpsConfigurationReconciler) recordCompliance(cfg *arcv1alpha1.GitOpsConfiguration, obs *flux.Observation) {
	previous := cfg.Status.ComplianceState
	setObservation(cfg, obs)
	if previous == obs.Summary.State || r.Recorder == nil {
		return
	}
	eventType := corev1.EventTypeNormal
	if obs.Summary.State == arcv1alpha1.ComplianceNonCompliant {
		eventType = corev1.EventTypeWarning
	}
	note := string(obs.Summary.State)
	if obs.Summary.Message != "" {
		note += ": " + obs.Summary.Message
	}
	r.Recorder.Eventf(cfg, nil, eventType, "ComplianceChanged", "Sync", "%s", shortNote(note))
}

// SetupWithManager watches GitOpsConfigurations and the protected-settings Secrets of the
// agent's namespace; the Flux objects are watched once their APIs are served.
func (r *GitOpsConfigurationReconciler) SetupWithManager(mgr ctrl.Manager, namespace string) error {
	inNamespace := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetNamespace() == namespace })
	c, err := ctrl.NewControllerManagedBy(mgr).
		Named("gitopsconfiguration").
		For(&arcv1alpha1.GitOpsConfiguration{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.configurationsOfSecret), builder.WithPredicates(inNamespace)).
		Build(r)
	if err != nil {
		return err
	}
	r.cache, r.controller = mgr.GetCache(), c
	return nil
}

// ensureFluxWatches starts watching GitRepositories and Kustomizations, once.
func (r *GitOpsConfigurationReconciler) ensureFluxWatches(ctx context.Context) error {
	r.watchMu.Lock()
	defer r.watchMu.Unlock()
	if r.watching || r.controller == nil {
		return nil
	}
	owned := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetLabels()[flux.LabelConfiguration] != "" })
	for _, obj := range []client.Object{&sourcev1.GitRepository{}, &kustomizev1.Kustomization{}} {
		src := source.Kind(r.cache, obj, handler.EnqueueRequestsFromMapFunc(configurationOfFluxObject), owned)
		if err := r.controller.Watch(src); err != nil {
			return err
		}
	}
	ctrl.LoggerFrom(ctx).Info("Watching the Flux objects")
	r.watching = true
	return nil
}

// configurationOfFluxObject maps a Flux object to its GitOpsConfiguration by its labels.
func configurationOfFluxObject(_ context.Context, o client.Object) []reconcile.Request {
	labels := o.GetLabels()
	return []reconcile.Request{{NamespacedName: client.ObjectKey{
		Namespace: labels[flux.LabelConfigurationNamespace], Name: labels[flux.LabelConfiguration],
	}}}
}

// configurationsOfSecret maps a Secret to the GitOpsConfigurations whose secretRef names it.
func (r *GitOpsConfigurationReconciler) configurationsOfSecret(ctx context.Context, o client.Object) []reconcile.Request {
	list := &arcv1alpha1.GitOpsConfigurationList{}
	if err := r.List(ctx, list, client.InNamespace(o.GetNamespace())); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing the GitOpsConfigurations of a Secret")
		return nil
	}
	var out []reconcile.Request
	for _, cfg := range list.Items {
		if cfg.Spec.SecretRef != nil && cfg.Spec.SecretRef.Name == o.GetName() {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&cfg)})
		}
	}
	return out
}

// setupGitOps wires the GitOpsConfiguration reconciler; namespace is the agent's.
func setupGitOps(mgr ctrl.Manager, clientset kubernetes.Interface, namespace string) error {
	r := &GitOpsConfigurationReconciler{
		Client: mgr.GetClient(), Discovery: clientset.Discovery(),
		Recorder: mgr.GetEventRecorder("kubearc-agent"), Flux: &flux.Applier{Client: mgr.GetClient()},
		Namespace: namespace,
	}
	return r.SetupWithManager(mgr, namespace)
}

// plugGitOps adds GitOpsConfigurations to the hub's desired state (hub → CR) and to the
// status reports (CR → hub).
func plugGitOps(mgr ctrl.Manager, state *AgentState, namespace string) {
	state.Mirror.Kinds = append(state.Mirror.Kinds, &desired.GitOpsConfigurations{
		Client: mgr.GetClient(), Namespace: namespace, Key: agentKey(mgr.GetClient(), namespace)})
	state.Reporter.Sources = append(state.Reporter.Sources, report.GitOpsConfigurations{Namespace: namespace})
}
