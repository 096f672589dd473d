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
	"errors"
	"fmt"
	"time"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	"github.com/fluxcd/pkg/apis/meta"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// ErrInvalidSpec marks errors that only a change to the GitOpsConfiguration (or its
// protected-settings Secret) fixes.
var ErrInvalidSpec = errors.New("invalid GitOpsConfiguration")

// defaultInterval is the sync interval and timeout when the spec leaves them empty (Arc's
// 600 seconds).
const defaultInterval = 10 * time.Minute

// Objects are the Flux objects a GitOpsConfiguration renders to.
type Objects struct {
	// AuthSecret holds the GitRepository's credentials; nil when there are none or
	// localAuthRef names the user's own Secret.
	AuthSecret *corev1.Secret
	// GitRepository is the source.
	GitRepository *sourcev1.GitRepository
	// Kustomizations has one entry per spec.kustomizations entry, in spec order.
	Kustomizations []*kustomizev1.Kustomization
}

// Render renders cfg to Flux objects. protected is the data of the protected-settings Secret
// (nil when the spec names none). Errors wrap ErrInvalidSpec.
func Render(cfg *arcv1alpha1.GitOpsConfiguration, protected map[string][]byte) (*Objects, error) {
	if cfg.Spec.GitRepository == nil {
		return nil, fmt.Errorf("%w: spec.gitRepository is required: set its url and repositoryRef", ErrInvalidSpec)
	}
	if cycle := DependencyCycle(cfg.Spec.Kustomizations); cycle != nil {
		return nil, fmt.Errorf("%w: kustomizations depend on each other in a cycle (%s): remove one of these dependsOn entries",
			ErrInvalidSpec, formatCycle(cycle))
	}
	secret, err := renderAuthSecret(cfg, protected)
	if err != nil {
		return nil, err
	}
	objs := &Objects{AuthSecret: secret, GitRepository: renderGitRepository(cfg, secret)}
	for i := range cfg.Spec.Kustomizations {
		objs.Kustomizations = append(objs.Kustomizations, renderKustomization(cfg, &cfg.Spec.Kustomizations[i]))
	}
	return objs, nil
}

func objectMeta(cfg *arcv1alpha1.GitOpsConfiguration, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: Namespace(cfg), Labels: Labels(cfg)}
}

func renderGitRepository(cfg *arcv1alpha1.GitOpsConfiguration, secret *corev1.Secret) *sourcev1.GitRepository {
	git := cfg.Spec.GitRepository
	repo := &sourcev1.GitRepository{
		TypeMeta:   metav1.TypeMeta{APIVersion: sourcev1.GroupVersion.String(), Kind: sourcev1.GitRepositoryKind},
		ObjectMeta: objectMeta(cfg, GitRepositoryName(cfg)),
		Spec: sourcev1.GitRepositorySpec{
			URL:      git.URL,
			Interval: orDefault(git.SyncInterval),
			Timeout:  ptrTo(orDefault(git.Timeout)),
			Reference: &sourcev1.GitRepositoryRef{
				Branch: git.RepositoryRef.Branch, Tag: git.RepositoryRef.Tag,
				SemVer: git.RepositoryRef.Semver, Commit: git.RepositoryRef.Commit,
			},
			Suspend: cfg.Spec.Suspend,
		},
	}
	switch {
	case git.LocalAuthRef != "":
		repo.Spec.SecretRef = &meta.LocalObjectReference{Name: git.LocalAuthRef}
	case secret != nil:
		repo.Spec.SecretRef = &meta.LocalObjectReference{Name: secret.Name}
	}
	return repo
}

func renderKustomization(cfg *arcv1alpha1.GitOpsConfiguration, k *arcv1alpha1.KustomizationSpec) *kustomizev1.Kustomization {
	out := &kustomizev1.Kustomization{
		TypeMeta:   metav1.TypeMeta{APIVersion: kustomizev1.GroupVersion.String(), Kind: kustomizev1.KustomizationKind},
		ObjectMeta: objectMeta(cfg, KustomizationName(cfg, k.Name)),
		Spec: kustomizev1.KustomizationSpec{
			Interval:      orDefault(k.SyncInterval),
			RetryInterval: k.RetryInterval,
			Path:          k.Path,
			Prune:         k.Prune,
			Force:         k.Force,
			Wait:          k.Wait == nil || *k.Wait,
			Timeout:       ptrTo(orDefault(k.Timeout)),
			Suspend:       cfg.Spec.Suspend,
			SourceRef: kustomizev1.CrossNamespaceSourceReference{
				Kind: sourcev1.GitRepositoryKind, Name: GitRepositoryName(cfg),
			},
			PostBuild: renderPostBuild(k.PostBuild),
		},
	}
	for _, dep := range k.DependsOn {
		out.Spec.DependsOn = append(out.Spec.DependsOn, meta.DependencyReference{Name: KustomizationName(cfg, dep)})
	}
	if cfg.Spec.Scope == arcv1alpha1.GitOpsScopeNamespace {
		out.Spec.TargetNamespace = Namespace(cfg)
	}
	return out
}

func renderPostBuild(in *arcv1alpha1.KustomizationPostBuild) *kustomizev1.PostBuild {
	if in == nil || (len(in.Substitute) == 0 && len(in.SubstituteFrom) == 0) {
		return nil
	}
	out := &kustomizev1.PostBuild{Substitute: in.Substitute}
	for _, ref := range in.SubstituteFrom {
		out.SubstituteFrom = append(out.SubstituteFrom, kustomizev1.SubstituteReference{
			Kind: ref.Kind, Name: ref.Name, Optional: ref.Optional,
		})
	}
	return out
}

// orDefault returns d, or Arc's default interval when d is empty.
func orDefault(d *metav1.Duration) metav1.Duration {
	if d == nil || d.Duration == 0 {
		return metav1.Duration{Duration: defaultInterval}
	}
	return *d
}

func ptrTo[T any](v T) *T { return &v }
