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
	"math/rand/v2"
	"time"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// MissingSecretRetry is how long every kind waits before it looks again for a Secret its spec
// names and that is missing. The kinds watch their Secrets, so a new one wakes them sooner;
// this is the fallback.
const MissingSecretRetry = time.Minute

// StalledError ends a reconcile that cannot succeed until the spec changes: Stalled, no
// requeue, the generation counts as handled.
type StalledError struct{ Reason, Message string }

func (e *StalledError) Error() string { return e.Message }

// Stall returns a StalledError.
func Stall(reason, message string) error { return &StalledError{Reason: reason, Message: message} }

// WaitingError ends a reconcile that waits for something outside the spec: Ready False,
// Reconciling True, and another try after After, without an error for the rate limiter.
type WaitingError struct {
	Reason, Message string
	After           time.Duration
}

func (e *WaitingError) Error() string { return e.Message }

// Wait returns a WaitingError.
func Wait(reason, message string, after time.Duration) error {
	return &WaitingError{Reason: reason, Message: message, After: after}
}

// WaitForSecret waits for a missing Secret the spec names; message says which and what to do.
func WaitForSecret(message string) error {
	return Wait(arcv1alpha1.SecretNotFoundReason, message, MissingSecretRetry)
}

// RetryError is a transient failure: Ready shows Reason and Message, and the reconcile returns
// Err so that the rate limiter backs off.
type RetryError struct {
	Reason, Message string
	Err             error
}

func (e *RetryError) Error() string { return e.Err.Error() }

// Unwrap returns the failure.
func (e *RetryError) Unwrap() error { return e.Err }

// Retry returns a RetryError; message is what users see in Ready, and must not hold secrets.
func Retry(reason, message string, err error) error {
	return &RetryError{Reason: reason, Message: message, Err: err}
}

// Jitter spreads d by ±10%, so that many objects (or clusters) do not retry in step.
func Jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()*0.2-0.1)*float64(d))
}
