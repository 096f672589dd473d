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

package policyinsights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/kubearc/kubearc/hub/store"
)

// evaluationType is the ARM type of the stored records of triggered evaluations.
const evaluationType = "Microsoft.PolicyInsights/asyncOperationResults"

// evaluationRetention is how long a triggered evaluation can be polled.
const evaluationRetention = 24 * time.Hour

// Evaluation is a triggered evaluation.
type Evaluation struct {
	ID        string    `json:"-"`
	Scope     Scope     `json:"scope"`
	StartedAt time.Time `json:"startedAt"`
}

// evaluationKey is the stored ID of evaluation id of a subscription.
func evaluationKey(subscription, id string) string {
	return "/subscriptions/" + subscription + "/providers/" + evaluationType + "/" + id
}

// TriggerEvaluation asks the agents of the clusters in scope to report their policy states
// again now, through Evaluations, and records the evaluation for EvaluationDone.
func (s *Service) TriggerEvaluation(ctx context.Context, scope Scope) (*Evaluation, error) {
	if err := s.forgetEvaluations(ctx, scope.Subscription); err != nil {
		return nil, err
	}
	ev := &Evaluation{ID: uuid.NewString(), Scope: scope, StartedAt: s.now()}
	if err := s.Evaluations.RequestEvaluation(ctx, scope.String()); err != nil {
		return nil, fmt.Errorf("requesting an evaluation of %s: %w", scope, err)
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	if _, err := s.Store.PutResource(ctx, &store.Resource{ID: evaluationKey(scope.Subscription, ev.ID), Type: evaluationType,
		Subscription: scope.Subscription, Body: body}, store.IfAbsent()); err != nil {
		return nil, fmt.Errorf("recording the evaluation of %s: %w", scope, err)
	}
	return ev, nil
}

// forgetEvaluations deletes the subscription's evaluations older than evaluationRetention.
func (s *Service) forgetEvaluations(ctx context.Context, subscription string) error {
	list, err := s.Store.ListResources(ctx, store.ListQuery{Type: evaluationType, Subscription: subscription})
	if err != nil {
		return fmt.Errorf("listing the evaluations of subscription %s: %w", subscription, err)
	}
	before := s.now().Add(-evaluationRetention)
	for _, res := range list {
		var ev Evaluation
		if json.Unmarshal(res.Body, &ev) == nil && !ev.StartedAt.Before(before) {
			continue
		}
		err := s.Store.DeleteResource(ctx, res.ID, store.IfVersion(res.Version))
		if err != nil && !errors.Is(err, store.ErrNotFound) && !store.LostRace(err) {
			return fmt.Errorf("forgetting evaluation %s: %w", res.ID, err)
		}
	}
	return nil
}
