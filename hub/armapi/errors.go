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

package armapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/kubearc/kubearc/hub/locationresources"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// ARM error codes the API answers with.
const (
	codeInvalidRequestContent = "InvalidRequestContent"
	codeInvalidParameter      = "InvalidParameter"
	codeMissingProperty       = "MissingRequiredProperty"
	codeInvalidAPIVersion     = "InvalidApiVersionParameter"
	codeMissingAPIVersion     = "MissingApiVersionParameter"
	codeResourceNotFound      = "ResourceNotFound"
	codeAuthorizationFailed   = "AuthorizationFailed"
	codeInternal              = "InternalServerError"
	codeConflict              = "Conflict"
	codePreconditionFailed    = "PreconditionFailed"
	codeRequestTooLarge       = "RequestEntityTooLarge"
	codeRequestTimeout        = "RequestTimeout"
	codeServiceUnavailable    = "ServiceUnavailable"
)

// retryUnavailable is the Retry-After, in seconds, of a request refused while the store is
// unavailable; ARM clients retry after it.
const retryUnavailable = "10"

// armError is an error with the HTTP status and ARM code it is answered with.
type armError struct {
	status  int
	code    string
	message string
}

func (e *armError) Error() string { return e.message }

func badRequest(code, format string, args ...any) error {
	return &armError{status: http.StatusBadRequest, code: code, message: fmt.Sprintf(format, args...)}
}

func notFound(resourceType, id string) error {
	return &armError{status: http.StatusNotFound, code: codeResourceNotFound,
		message: fmt.Sprintf("The Resource '%s' under resource id '%s' was not found.", resourceType, id)}
}

func forbidden(who, action, scope string) error {
	return &armError{status: http.StatusForbidden, code: codeAuthorizationFailed,
		message: fmt.Sprintf("The client '%s' does not have authorization to perform action '%s' over scope '%s'.", who, action, scope)}
}

// errorBody is the ARM error envelope.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target,omitempty"`
}

// writeError answers err as ARM error JSON. Errors that are not an armError are internal:
// they are logged and answered without detail, so nothing internal leaks to the client.
func writeError(w http.ResponseWriter, log *slog.Logger, err error) {
	ae := asARMError(err)
	if ae == nil && errors.Is(err, store.ErrUnavailable) {
		log.Warn("Request failed: the store is unavailable", "error", err)
		w.Header().Set("Retry-After", retryUnavailable)
		ae = &armError{status: http.StatusServiceUnavailable, code: codeServiceUnavailable,
			message: "The hub's database cannot be reached for the moment; retry the request in " + retryUnavailable + " seconds."}
	}
	if ae == nil {
		log.Error("Request failed", "error", err)
		ae = &armError{status: http.StatusInternalServerError, code: codeInternal, message: "The server had an internal error; the request can be retried."}
	}
	writeJSON(w, ae.status, errorBody{Error: errorDetail{Code: ae.code, Message: ae.message}})
}

// asARMError returns the ARM error of err: an armError, or one of the errors of a nested
// kind; nil when err is neither (an internal error).
func asARMError(err error) *armError {
	var (
		ae       *armError
		invalid  *nested.InvalidError
		conflict *nested.ConflictError
		missing  *nested.NotFoundError
		failed   *nested.PreconditionFailedError
		located  *locationresources.Error
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &invalid) && invalid.Missing:
		return &armError{status: http.StatusBadRequest, code: codeMissingProperty, message: invalid.Message}
	case errors.As(err, &invalid):
		return &armError{status: http.StatusBadRequest, code: codeInvalidParameter, message: invalid.Message}
	case errors.As(err, &conflict):
		return &armError{status: http.StatusConflict, code: codeConflict, message: conflict.Message}
	case errors.As(err, &missing):
		return &armError{status: http.StatusNotFound, code: codeResourceNotFound, message: missing.Error()}
	case errors.As(err, &failed):
		return &armError{status: http.StatusPreconditionFailed, code: codePreconditionFailed, message: failed.Message}
	case errors.As(err, &located):
		return &armError{status: located.Status, code: located.Code, message: located.Message}
	}
	return nil
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
