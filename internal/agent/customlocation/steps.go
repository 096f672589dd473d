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

package customlocation

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// provisioning is one reconcile's way to a ready location.
type provisioning struct {
	r *Reconciler
}

// featureEnabled removes every RoleBinding of the location while the custom-locations
// feature is off, and stalls with the command that turns it on.
func (p *provisioning) featureEnabled(ctx context.Context, cl *arcv1alpha1.CustomLocation) (ctrl.Result, error) {
	if p.r.Enabled {
		return ctrl.Result{}, nil
	}
	if len(cl.Status.RoleBindings) > 0 {
		reconcile.Event(p.r.Recorder, cl, corev1.EventTypeWarning, arcv1alpha1.FeatureDisabledReason, "RemoveRoleBindings",
			"The custom-locations feature is off: removing the RoleBindings of "+protocol.CustomLocationIdentity)
	}
	if err := p.r.removeBindings(ctx, cl, nil); err != nil {
		return ctrl.Result{}, rbacFailed("Removing the RoleBindings while the feature is off failed", err)
	}
	cl.Status.RoleBindings = nil
	return ctrl.Result{}, reconcile.Stall(arcv1alpha1.FeatureDisabledReason, enableMessage)
}

// validNamespace stalls a location on a namespace no location may take; the CRD refuses
// them too, this keeps the agent safe from an older CRD.
func (p *provisioning) validNamespace(_ context.Context, cl *arcv1alpha1.CustomLocation) (ctrl.Result, error) {
	if err := checkNamespace(cl.Spec.Namespace, p.r.Namespace); err != nil {
		return ctrl.Result{}, reconcile.Stall(arcv1alpha1.InvalidSpecReason, err.Error())
	}
	return ctrl.Result{}, nil
}

// claimNamespace creates the namespace, or labels an existing one, for the location.
func (p *provisioning) claimNamespace(ctx context.Context, cl *arcv1alpha1.CustomLocation) (ctrl.Result, error) {
	if err := p.r.claimNamespace(ctx, cl); err != nil {
		return ctrl.Result{}, err
	}
	cl.Status.Namespace = cl.Spec.Namespace
	return ctrl.Result{}, nil
}

// pruneBindings removes the RoleBindings of ClusterRoles the spec no longer has.
func (p *provisioning) pruneBindings(ctx context.Context, cl *arcv1alpha1.CustomLocation) (ctrl.Result, error) {
	keep := map[string]bool{}
	for _, role := range cl.Spec.ClusterRoles {
		keep[bindingName(role)] = true
	}
	if err := p.r.removeBindings(ctx, cl, keep); err != nil {
		return ctrl.Result{}, rbacFailed("Removing the RoleBindings the spec no longer has failed", err)
	}
	return ctrl.Result{}, nil
}

// bindRoles writes one RoleBinding per existing ClusterRole and waits for the missing ones.
func (p *provisioning) bindRoles(ctx context.Context, cl *arcv1alpha1.CustomLocation) (ctrl.Result, error) {
	var bound, missing []string
	for _, role := range cl.Spec.ClusterRoles {
		exists, err := p.r.clusterRoleExists(ctx, role)
		if err != nil {
			return ctrl.Result{}, rbacFailed("Reading the ClusterRole "+role+" failed", err)
		}
		if !exists {
			missing = append(missing, role)
			continue
		}
		if err := p.r.bind(ctx, cl, role); err != nil {
			return ctrl.Result{}, err
		}
		bound = append(bound, bindingName(role))
	}
	cl.Status.RoleBindings = bound
	if len(missing) > 0 {
		return ctrl.Result{}, reconcile.Wait(arcv1alpha1.ClusterRoleNotFoundReason, fmt.Sprintf(
			"The ClusterRoles %s do not exist, so the custom-location identity cannot be bound to them: "+
				"install the extension that provides them, or fix the location's extensions", strings.Join(missing, ", ")), waitRetry)
	}
	return ctrl.Result{}, nil
}

// ready marks the location ready and looks again at the resync interval.
func (p *provisioning) ready(_ context.Context, cl *arcv1alpha1.CustomLocation) (ctrl.Result, error) {
	reconcile.MarkReady(cl, arcv1alpha1.SucceededReason, fmt.Sprintf("The namespace %s and %d RoleBindings for %s are in place",
		cl.Spec.Namespace, len(cl.Status.RoleBindings), protocol.CustomLocationIdentity))
	return ctrl.Result{RequeueAfter: reconcile.Jitter(resync)}, nil
}
