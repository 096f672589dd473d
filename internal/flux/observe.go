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
	"strings"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// Observation is what the agent saw of a configuration's Flux objects.
type Observation struct {
	// Statuses has the GitRepository first, then the Kustomizations in spec order.
	Statuses []arcv1alpha1.FluxObjectStatus
	// Summary is the configuration-wide compliance.
	Summary Summary
	// Revision is the GitRepository's artifact revision, e.g. main@sha1:0a1b…; empty
	// before the first fetch.
	Revision string
	// RevisionTime is when Flux fetched Revision.
	RevisionTime *metav1.Time
}

// Observe reads the Flux objects of objs back and maps their conditions. An object that is
// not there yet (just applied) is Pending.
func (s *Applier) Observe(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration, objs *Objects) (*Observation, error) {
	obs := &Observation{}
	repo := &sourcev1.GitRepository{}
	found, err := s.get(ctx, objs.GitRepository, repo)
	if err != nil {
		return nil, err
	}
	if found {
		obs.Statuses = append(obs.Statuses, objectStatus(sourcev1.GitRepositoryKind, repo, repo.Status.ObservedGeneration, repo.Status.Conditions))
		if art := repo.Status.Artifact; art != nil {
			obs.Revision, obs.RevisionTime = art.Revision, art.LastUpdateTime.DeepCopy()
		}
	} else {
		obs.Statuses = append(obs.Statuses, objectStatus(sourcev1.GitRepositoryKind, objs.GitRepository, 0, nil))
	}
	var applied []arcv1alpha1.FluxObjectStatus
	for _, want := range objs.Kustomizations {
		k := &kustomizev1.Kustomization{}
		found, err := s.get(ctx, want, k)
		if err != nil {
			return nil, err
		}
		if !found {
			k = want
		}
		status := objectStatus(kustomizev1.KustomizationKind, k, k.Status.ObservedGeneration, k.Status.Conditions)
		obs.Statuses = append(obs.Statuses, status)
		applied = append(applied, appliedObjects(k, status.ComplianceState)...)
	}
	obs.Summary = Summarize(obs.Statuses, cfg.Spec.Suspend)
	if room := maxStatuses - len(obs.Statuses); len(applied) > room {
		applied = applied[:max(room, 0)]
	}
	obs.Statuses = append(obs.Statuses, applied...)
	return obs, nil
}

// maxStatuses bounds statuses[] (the Flux objects first, then what they applied), so that a
// large repository cannot outgrow the object size limit.
const maxStatuses = 200

// appliedObjects lists the objects in k's inventory, applied by k and sharing its state.
// Inventory IDs are "<namespace>_<name>_<group>_<kind>"; Kubernetes names hold no '_'.
func appliedObjects(k *kustomizev1.Kustomization, state arcv1alpha1.ComplianceState) []arcv1alpha1.FluxObjectStatus {
	if k.Status.Inventory == nil {
		return nil
	}
	var out []arcv1alpha1.FluxObjectStatus
	for _, entry := range k.Status.Inventory.Entries {
		parts := strings.Split(entry.ID, "_")
		if len(parts) != 4 {
			continue
		}
		out = append(out, arcv1alpha1.FluxObjectStatus{
			Kind: parts[3], Name: parts[1], Namespace: parts[0], ComplianceState: state,
			AppliedBy: &arcv1alpha1.FluxObjectReference{Name: k.Name, Namespace: k.Namespace},
		})
	}
	return out
}

func (s *Applier) get(ctx context.Context, want, into client.Object) (bool, error) {
	err := s.Client.Get(ctx, client.ObjectKeyFromObject(want), into)
	if client.IgnoreNotFound(err) != nil {
		return false, fmt.Errorf("reading %T %s/%s: %w", want, want.GetNamespace(), want.GetName(), err)
	}
	return err == nil, nil
}

func objectStatus(kind string, obj client.Object, observedGeneration int64, conditions []metav1.Condition) arcv1alpha1.FluxObjectStatus {
	state, _ := ObjectCompliance(obj.GetGeneration(), observedGeneration, conditions)
	if obj.GetUID() == "" {
		state = arcv1alpha1.CompliancePending
	}
	out := arcv1alpha1.FluxObjectStatus{
		Kind: kind, Name: obj.GetName(), Namespace: obj.GetNamespace(), ComplianceState: state,
	}
	for _, c := range conditions {
		c.ObservedGeneration = 0
		out.Conditions = append(out.Conditions, c)
	}
	return out
}
