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

// Package policyinsights answers Microsoft.PolicyInsights (api-version 2024-10-01) from what the
// clusters' agents report: one policy state per cluster and policy assignment, from the
// cluster's desired PolicySync objects and the agent's statuses of them, and one component
// policy state per violating Kubernetes object. It keeps no history: every query answers the
// latest states. triggerEvaluation asks the agents to report again at once.
package policyinsights

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// Service derives policy states from the store.
type Service struct {
	Store store.Store
	// Evaluations asks the agents for new reports (hub/policy's Service).
	Evaluations EvaluationRequester
	// Now is the clock (default time.Now).
	Now func() time.Time
	// PageSize is the number of policy states per page of queryResults (default 100).
	PageSize int
	// EvaluationTimeout bounds how long a triggered evaluation waits for the agents
	// (default DefaultEvaluationTimeout).
	EvaluationTimeout time.Duration
}

// EvaluationRequester asks the agents of the clusters within scope (a subscription or
// resource group) to report the compliance of their PolicySync objects again at once, by
// setting a new evaluation request on them.
type EvaluationRequester interface {
	RequestEvaluation(ctx context.Context, scope string) error
}

// DefaultEvaluationTimeout is how long a triggered evaluation waits for agents that have not
// reported again; then it completes with their last reports.
const DefaultEvaluationTimeout = 5 * time.Minute

// ErrNotFound: the cluster or evaluation asked for does not exist.
var ErrNotFound = errors.New("not found")

// QueryError is a query the service cannot answer (an unsupported $filter, a bad $top, …);
// Message says what is supported.
type QueryError struct {
	Message string
}

func (e *QueryError) Error() string { return e.Message }

func queryError(format string, args ...any) error {
	return &QueryError{Message: fmt.Sprintf(format, args...)}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) pageSize() int {
	if s.PageSize > 0 {
		return s.PageSize
	}
	return 100
}

func (s *Service) evaluationTimeout() time.Duration {
	if s.EvaluationTimeout > 0 {
		return s.EvaluationTimeout
	}
	return DefaultEvaluationTimeout
}
