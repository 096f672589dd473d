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

package flux

import (
	"context"
	"fmt"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// Prune deletes cfg's Flux objects that objs no longer has: Kustomizations removed from the
// spec (Flux then prunes what they applied when prune is set), a GitRepository left in a
// former namespace, and an auth Secret no longer needed.
func (s *Applier) Prune(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration, objs *Objects) error {
	keep := map[client.ObjectKey]bool{client.ObjectKeyFromObject(objs.GitRepository): true}
	for _, k := range objs.Kustomizations {
		keep[client.ObjectKeyFromObject(k)] = true
	}
	if _, err := s.deleteOwned(ctx, cfg, keep); err != nil {
		return err
	}
	if objs.AuthSecret == nil {
		return s.deleteAuthSecret(ctx, cfg, Namespace(cfg))
	}
	return nil
}

// Delete deletes all of cfg's Flux objects. It returns how many are still there, waiting
// for Flux's finalizers (which prune the applied objects when prune is set).
func (s *Applier) Delete(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration) (int, error) {
	remaining, err := s.deleteOwned(ctx, cfg, nil)
	if err != nil {
		return 0, err
	}
	return remaining, s.deleteAuthSecret(ctx, cfg, Namespace(cfg))
}

// deleteOwned deletes the Kustomizations and GitRepositories labelled as cfg's that are not
// in keep, and counts the ones not yet gone.
func (s *Applier) deleteOwned(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration, keep map[client.ObjectKey]bool) (int, error) {
	kustomizations := &kustomizev1.KustomizationList{}
	repos := &sourcev1.GitRepositoryList{}
	remaining := 0
	for _, list := range []client.ObjectList{kustomizations, repos} {
		if err := s.Client.List(ctx, list, client.MatchingLabels(Labels(cfg))); err != nil {
			return 0, fmt.Errorf("listing the Flux objects of %s: %w", cfg.Name, err)
		}
	}
	var stale []client.Object
	for i := range kustomizations.Items {
		stale = append(stale, &kustomizations.Items[i])
	}
	for i := range repos.Items {
		stale = append(stale, &repos.Items[i])
	}
	for _, obj := range stale {
		if keep[client.ObjectKeyFromObject(obj)] {
			continue
		}
		remaining++
		if err := s.deleteObject(ctx, obj); err != nil {
			return 0, err
		}
		if repo, ok := obj.(*sourcev1.GitRepository); ok && repo.Namespace != Namespace(cfg) {
			if err := s.deleteAuthSecret(ctx, cfg, repo.Namespace); err != nil {
				return 0, err
			}
		}
	}
	return remaining, nil
}

func (s *Applier) deleteObject(ctx context.Context, obj client.Object) error {
	if obj.GetDeletionTimestamp() != nil {
		return nil
	}
	if err := client.IgnoreNotFound(s.Client.Delete(ctx, obj, client.PropagationPolicy(metav1.DeletePropagationBackground))); err != nil {
		return fmt.Errorf("deleting %T %s/%s: %w", obj, obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}

// deleteAuthSecret deletes cfg's auth Secret in namespace, if it is there. The agent cannot
// read Secrets outside its namespace; deleting by label never touches a user's Secret.
func (s *Applier) deleteAuthSecret(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration, namespace string) error {
	err := s.Client.DeleteAllOf(ctx, &corev1.Secret{}, client.InNamespace(namespace), client.MatchingLabels(Labels(cfg)))
	if client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("deleting the auth Secret of %s in %s: %w", cfg.Name, namespace, err)
	}
	return nil
}
