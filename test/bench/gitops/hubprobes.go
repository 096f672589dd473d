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
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// hubBench measures through the hub: ARM requests on one side, the cluster on the other.
type hubBench struct {
	bench
	hub *hubProcess
	// poll is the pause between two GETs while waiting for the hub's complianceState.
	poll time.Duration
	// gets and getTime are the GETs sent while polling and their total round-trip time.
	gets    int
	getTime time.Duration
}

// setUpHub creates the status probes' configuration through the hub, waits for its Flux
// objects and marks its Kustomization Ready, as kustomize-controller would.
func (b *hubBench) setUpHub(ctx context.Context) error {
	if status, body, err := b.hub.do(ctx, http.MethodPut, fluxPath(configName), fluxConfigBody("main")); err != nil || status >= 300 {
		return fmt.Errorf("PUT %s: %d %s: %w", configName, status, body, err)
	}
	return b.kustomizationReady(ctx, "the Flux objects of the hub's configuration")
}

// putToGitRepository PUTs a new Flux configuration on the hub and times until its
// GitRepository exists in the cluster; then deletes it (untimed) and waits until the hub
// has forgotten it, so every probe starts from the same state.
func (b *hubBench) putToGitRepository(ctx context.Context) (time.Duration, error) {
	b.n++
	name := fmt.Sprintf("put-%d", b.n)
	w, err := b.c.Watch(ctx, &sourcev1.GitRepositoryList{}, client.InNamespace(fluxNamespace))
	if err != nil {
		return 0, err
	}
	defer w.Stop()
	start := time.Now()
	status, body, err := b.hub.do(ctx, http.MethodPut, fluxPath(name), fluxConfigBody("main"))
	if err != nil || status >= 300 {
		return 0, fmt.Errorf("PUT %s: %d %s: %w", name, status, body, err)
	}
	took, err := since(start, w, func(o any) bool {
		repo, ok := o.(*sourcev1.GitRepository)
		return ok && repo.Name == name
	})
	if err != nil {
		return 0, err
	}
	return took, b.deleteOnHub(ctx, name)
}

// deleteOnHub deletes a configuration and waits until the hub answers 404.
func (b *hubBench) deleteOnHub(ctx context.Context, name string) error {
	if status, body, err := b.hub.do(ctx, http.MethodDelete, fluxPath(name), nil); err != nil || status >= 300 {
		return fmt.Errorf("DELETE %s: %d %s: %w", name, status, body, err)
	}
	deadline := time.Now().Add(probeTimeout)
	for time.Now().Before(deadline) {
		status, _, err := b.hub.do(ctx, http.MethodGet, fluxPath(name), nil)
		if err != nil {
			return err
		}
		if status == http.StatusNotFound {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the hub still has %s %s after DELETE", name, probeTimeout)
}

// statusToHub flips the GitRepository's Ready condition, as source-controller would, and
// times until the hub's GET shows the new complianceState and the probe's message.
func (b *hubBench) statusToHub(ctx context.Context) (time.Duration, error) {
	b.n++
	repo := &sourcev1.GitRepository{}
	if err := b.c.Get(ctx, client.ObjectKey{Namespace: fluxNamespace, Name: configName}, repo); err != nil {
		return 0, err
	}
	status, want := metav1.ConditionTrue, string(arcv1alpha1.ComplianceCompliant)
	if b.n%2 == 0 {
		status, want = metav1.ConditionFalse, string(arcv1alpha1.ComplianceNonCompliant)
	}
	message := fmt.Sprintf("probe %d", b.n)
	start := time.Now()
	if err := b.setReady(ctx, repo, status, message); err != nil {
		return 0, err
	}
	for time.Since(start) < probeTimeout {
		sent := time.Now()
		code, body, err := b.hub.do(ctx, http.MethodGet, fluxPath(configName), nil)
		b.gets, b.getTime = b.gets+1, b.getTime+time.Since(sent)
		if err != nil || code != http.StatusOK {
			return 0, fmt.Errorf("GET %s: %d %s: %w", configName, code, body, err)
		}
		if showsProbe(body, want, message) {
			return time.Since(start), nil
		}
		time.Sleep(b.poll)
	}
	return 0, errLost
}

// showsProbe reports whether a GET body has complianceState want and the GitRepository's
// Ready message.
func showsProbe(body []byte, want, message string) bool {
	var doc hubDoc
	if json.Unmarshal(body, &doc) != nil || doc.Properties.ComplianceState != want {
		return false
	}
	for _, s := range doc.Properties.Statuses {
		if s.Kind != sourcev1.GitRepositoryKind {
			continue
		}
		for _, c := range s.StatusConditions {
			if c.Type == meta.ReadyCondition && c.Message == message {
				return true
			}
		}
	}
	return false
}
