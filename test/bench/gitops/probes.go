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

package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	"github.com/fluxcd/pkg/apis/meta"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// bench holds the client and the probe counter.
type bench struct {
	c client.WithWatch
	n int
}

// setUp creates the configuration and waits until the agent created its GitRepository.
func (b *bench) setUp(ctx context.Context) error {
	if err := b.c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: agentNamespace}}); err != nil {
		return err
	}
	cfg := &arcv1alpha1.GitOpsConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: configName, Namespace: agentNamespace},
		Spec: arcv1alpha1.GitOpsConfigurationSpec{
			Namespace: fluxNamespace,
			GitRepository: &arcv1alpha1.GitRepositorySource{
				URL: "https://git.example.com/org/fleet", RepositoryRef: arcv1alpha1.RepositoryRef{Branch: "main"}},
			Kustomizations: []arcv1alpha1.KustomizationSpec{{Name: "apps", Path: "./apps"}},
		},
	}
	if err := b.c.Create(ctx, cfg); err != nil {
		return err
	}
	return b.kustomizationReady(ctx, "the Flux objects")
}

// kustomizationReady waits until the agent created the configuration's Kustomization and
// marks it Ready, as kustomize-controller would; objects names them in the error.
func (b *bench) kustomizationReady(ctx context.Context, objects string) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		k := &kustomizev1.Kustomization{}
		if err := b.c.Get(ctx, client.ObjectKey{Namespace: fluxNamespace, Name: configName + "-apps"}, k); err == nil {
			return b.setReady(ctx, k, metav1.ConditionTrue, "applied")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("the agent did not create %s within a minute: see the agent log", objects)
}

// direction is one latency the benchmark measures: what it is and the probe that times it.
type direction struct {
	what  string
	probe func(context.Context) (time.Duration, error)
}

// measureBoth measures there, then back, then prints the percentiles of both; it returns how
// many probes were lost.
func (b *bench) measureBoth(ctx context.Context, changes int, there, back direction) (int, error) {
	thereSamples, thereLost, err := b.measure(ctx, changes, there.probe)
	if err != nil {
		return 0, err
	}
	backSamples, backLost, err := b.measure(ctx, changes, back.probe)
	if err != nil {
		return 0, err
	}
	report(there.what, thereSamples, thereLost)
	report(back.what, backSamples, backLost)
	return thereLost + backLost, nil
}

// lostProbes is the error of a run in which lost probes saw no change: it is invalid.
func lostProbes(lost int) error {
	if lost > 0 {
		return fmt.Errorf("%d probes saw no change within %s: the run is invalid", lost, probeTimeout)
	}
	return nil
}

// measure runs warm-up probes, then changes probes, and returns the latencies.
func (b *bench) measure(ctx context.Context, changes int, probe func(context.Context) (time.Duration, error)) ([]time.Duration, int, error) {
	var samples []time.Duration
	lost := 0
	for i := range changes + 5 {
		d, err := probe(ctx)
		switch {
		case errors.Is(err, errLost):
			lost++
		case err != nil:
			return nil, 0, err
		case i >= 5:
			samples = append(samples, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return samples, lost, nil
}

// specChange sets a new branch on the configuration and times until the GitRepository has it.
func (b *bench) specChange(ctx context.Context) (time.Duration, error) {
	b.n++
	branch := fmt.Sprintf("bench-%d", b.n)
	w, err := b.c.Watch(ctx, &sourcev1.GitRepositoryList{}, client.InNamespace(fluxNamespace))
	if err != nil {
		return 0, err
	}
	defer w.Stop()
	cfg := &arcv1alpha1.GitOpsConfiguration{}
	if err := b.c.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: configName}, cfg); err != nil {
		return 0, err
	}
	cfg.Spec.GitRepository.RepositoryRef = arcv1alpha1.RepositoryRef{Branch: branch}
	start := time.Now()
	if err := b.c.Update(ctx, cfg); err != nil {
		return 0, err
	}
	return since(start, w, func(o any) bool {
		repo, ok := o.(*sourcev1.GitRepository)
		return ok && repo.Spec.Reference != nil && repo.Spec.Reference.Branch == branch
	})
}

// statusChange flips the GitRepository's Ready condition, as source-controller would, and
// times until the configuration's complianceState follows.
func (b *bench) statusChange(ctx context.Context) (time.Duration, error) {
	b.n++
	repo := &sourcev1.GitRepository{}
	if err := b.c.Get(ctx, client.ObjectKey{Namespace: fluxNamespace, Name: configName}, repo); err != nil {
		return 0, err
	}
	status, want := metav1.ConditionTrue, arcv1alpha1.ComplianceCompliant
	if b.n%2 == 0 {
		status, want = metav1.ConditionFalse, arcv1alpha1.ComplianceNonCompliant
	}
	w, err := b.c.Watch(ctx, &arcv1alpha1.GitOpsConfigurationList{}, client.InNamespace(agentNamespace))
	if err != nil {
		return 0, err
	}
	defer w.Stop()
	message := fmt.Sprintf("probe %d", b.n)
	start := time.Now()
	if err := b.setReady(ctx, repo, status, message); err != nil {
		return 0, err
	}
	return since(start, w, func(o any) bool {
		cfg, ok := o.(*arcv1alpha1.GitOpsConfiguration)
		if !ok || cfg.Status.ComplianceState != want || len(cfg.Status.Statuses) == 0 {
			return false
		}
		ready := apimeta.FindStatusCondition(cfg.Status.Statuses[0].Conditions, meta.ReadyCondition)
		return ready != nil && ready.Message == message
	})
}

// setReady writes a Ready condition for the object's current generation.
func (b *bench) setReady(ctx context.Context, obj client.Object, status metav1.ConditionStatus, message string) error {
	cond := metav1.Condition{Type: meta.ReadyCondition, Status: status, Reason: "Bench", Message: message,
		ObservedGeneration: obj.GetGeneration(), LastTransitionTime: metav1.Now()}
	switch o := obj.(type) {
	case *sourcev1.GitRepository:
		o.Status.Conditions, o.Status.ObservedGeneration = []metav1.Condition{cond}, o.Generation
	case *kustomizev1.Kustomization:
		o.Status.Conditions, o.Status.ObservedGeneration = []metav1.Condition{cond}, o.Generation
	}
	return b.c.Status().Update(ctx, obj)
}

// since waits for an event whose object matches and returns the time from start.
func since(start time.Time, w watch.Interface, match func(any) bool) (time.Duration, error) {
	timeout := time.After(probeTimeout)
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				return 0, errors.New("the watch closed")
			}
			if match(ev.Object) {
				return time.Since(start), nil
			}
		case <-timeout:
			return 0, errLost
		}
	}
}
