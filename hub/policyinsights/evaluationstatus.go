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
	"strings"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// everyCluster admits every cluster of a scope.
func everyCluster(string) bool { return true }

// Evaluation returns the triggered evaluation id of a subscription; ErrNotFound when there
// is none.
func (s *Service) Evaluation(ctx context.Context, subscription, id string) (*Evaluation, error) {
	res, err := s.Store.GetResource(ctx, evaluationKey(subscription, id))
	if errors.Is(err, store.ErrNotFound) || err == nil && !strings.EqualFold(res.Type, evaluationType) {
		return nil, fmt.Errorf("evaluation %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading evaluation %s: %w", id, err)
	}
	ev := &Evaluation{ID: id}
	if err := json.Unmarshal(res.Body, ev); err != nil {
		return nil, fmt.Errorf("decoding evaluation %s: %w", id, err)
	}
	return ev, nil
}

// EvaluationDone reports whether the agents of every cluster in the evaluation's scope have
// answered the evaluation request of each of their PolicySyncs (the latest one, should
// another evaluation have followed), or the evaluation has waited EvaluationTimeout.
func (s *Service) EvaluationDone(ctx context.Context, ev *Evaluation) (bool, error) {
	if !s.now().Before(ev.StartedAt.Add(s.evaluationTimeout())) {
		return true, nil
	}
	done := true
	err := s.eachCluster(ctx, ev.Scope, everyCluster, func(ps *policySyncs) error {
		for _, obj := range ps.desired {
			done = done && ps.answered(obj)
		}
		return nil
	})
	return done, err
}

// answered reports whether the agent's status of obj echoes its evaluation request.
func (ps *policySyncs) answered(obj protocol.DesiredObject) bool {
	spec, err := ps.ref(obj)
	if err != nil || spec.EvaluationRequest == "" {
		return true
	}
	st, ok := ps.statuses[obj.Name]
	if !ok {
		return false
	}
	status := decodeStatus(st.Status)
	return status != nil && status.EvaluationRequest == spec.EvaluationRequest
}
