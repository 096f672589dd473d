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

package locationresources

import (
	"fmt"
	"net/http"
)

// Error is a request refused with an ARM error: Status, and Code as ARM names it.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

func newError(status int, code, format string, args ...any) error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalid(format string, args ...any) error {
	return newError(http.StatusBadRequest, "InvalidParameter", format, args...)
}

func notFound(resourceType, id string) error {
	return newError(http.StatusNotFound, "ResourceNotFound", "The Resource '%s' under resource id '%s' was not found.", resourceType, id)
}

func conflict(format string, args ...any) error {
	return newError(http.StatusConflict, "Conflict", format, args...)
}
