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

package reconcile

import (
	"context"
	"errors"

	ctrl "sigs.k8s.io/controller-runtime"
)

// Step is one stage of a reconcile. It returns a zero Result and no error to go on with the
// next step; a Result with a requeue to end the reconcile there; or an error: a Stall, Wait
// or Retry error, which Run records in the conditions, or any other transient error.
type Step[T Reconciled] func(ctx context.Context, obj T) (ctrl.Result, error)

// Run runs steps in order until one ends the reconcile, and turns its error into the
// object's conditions and the reconcile's result.
func Run[T Reconciled](ctx context.Context, obj T, steps ...Step[T]) (ctrl.Result, error) {
	for _, step := range steps {
		result, err := step(ctx, obj)
		if err != nil {
			return Outcome(obj, err)
		}
		if !result.IsZero() {
			return result, nil
		}
	}
	return ctrl.Result{}, nil
}

// Outcome records err in obj's conditions and returns what the reconcile returns: a stall
// ends without requeue, a wait requeues without an error, anything else is returned.
func Outcome(obj Reconciled, err error) (ctrl.Result, error) {
	var stalled *StalledError
	var waiting *WaitingError
	var retrying *RetryError
	switch {
	case errors.As(err, &stalled):
		MarkStalled(obj, stalled.Reason, stalled.Message)
		return ctrl.Result{}, nil
	case errors.As(err, &waiting):
		MarkWaiting(obj, waiting.Reason, waiting.Message)
		return ctrl.Result{RequeueAfter: waiting.After}, nil
	case errors.As(err, &retrying):
		MarkRetrying(obj, retrying.Reason, retrying.Message)
	}
	return ctrl.Result{}, err
}
