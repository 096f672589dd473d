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

import "fmt"

// InvalidError is a request refused with a 400. Message names the property and says what to
// do; it never quotes a protected setting.
type InvalidError struct {
	// Missing says a required property is absent (ARM's MissingRequiredProperty).
	Missing bool
	Message string
}

func (e *InvalidError) Error() string { return e.Message }

// Invalid returns an InvalidError for a property that is wrong.
func Invalid(format string, args ...any) error {
	return &InvalidError{Message: fmt.Sprintf(format, args...)}
}

// Missing returns an InvalidError for a required property that is absent.
func Missing(format string, args ...any) error {
	return &InvalidError{Missing: true, Message: fmt.Sprintf(format, args...)}
}

// ConflictError is a write refused with a 409: the resource is being deleted, or it was
// applied in the cluster and is read-only here.
type ConflictError struct {
	Message string
}

func (e *ConflictError) Error() string { return e.Message }

// Conflict returns a ConflictError.
func Conflict(format string, args ...any) error {
	return &ConflictError{Message: fmt.Sprintf(format, args...)}
}

// PreconditionFailedError is a request whose If-Match or If-None-Match header does not hold
// for the stored resource, answered with a 412.
type PreconditionFailedError struct {
	Message string
}

func (e *PreconditionFailedError) Error() string { return e.Message }

// NotFoundError is a resource that does not exist, answered with a 404.
type NotFoundError struct {
	ResourceType, ID string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("The Resource '%s' under resource id '%s' was not found.", e.ResourceType, e.ID)
}
