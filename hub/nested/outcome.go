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

package nested

import "context"

// Statuses of a long-running operation (OperationStatusResult).
const (
	OperationInProgress = "InProgress"
	OperationSucceeded  = "Succeeded"
	OperationFailed     = "Failed"
	OperationCanceled   = "Canceled"
)

// Outcome is the status of a long-running operation, derived from the resource's state now.
type Outcome struct {
	Status string
	// FailureCode and FailureMessage say why a Failed operation failed.
	FailureCode, FailureMessage string
}

// Outcome returns the status of an operation on the requested resource: a deletion (delete)
// or a write.
func (s *Service[R, P, D]) Outcome(ctx context.Context, req Request, deletion bool) (Outcome, error) {
	rec, err := s.Load(ctx, s.id(req))
	if err != nil {
		return Outcome{}, err
	}
	switch {
	case deletion && rec == nil:
		return Outcome{Status: OperationSucceeded}, nil
	case deletion:
		return Outcome{Status: OperationInProgress}, nil
	case rec == nil || rec.Base().Deleting:
		return Outcome{Status: OperationCanceled}, nil
	}
	v, err := s.views(ctx, s.clusterOf(req, rec))
	if err != nil {
		return Outcome{}, err
	}
	switch state, failure := s.kind.State(v.render(rec)); state {
	case OperationSucceeded:
		return Outcome{Status: OperationSucceeded}, nil
	case OperationFailed:
		if failure == "" {
			failure = s.names.FailureMessage
		}
		return Outcome{Status: OperationFailed, FailureCode: s.names.FailureCode, FailureMessage: failure}, nil
	}
	return Outcome{Status: OperationInProgress}, nil
}
