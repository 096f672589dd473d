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

package armclient

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ResponseError is an answer of the hub other than success, with the ARM error it carried.
type ResponseError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the ARM error code, e.g. ResourceNotFound.
	Code string
	// Message is the ARM error message.
	Message string
}

// Error formats the error the way the Azure CLI does: "(Code) Message".
func (e *ResponseError) Error() string {
	return fmt.Sprintf("(%s) %s", e.Code, e.Message)
}

// armErrorBody is the ARM error envelope {"error":{"code":…,"message":…}}.
type armErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// newResponseError reads the ARM error of an answer; one without (a proxy's HTML page, say)
// is described by its status.
func newResponseError(method, status string, statusCode int, body []byte) error {
	e := &ResponseError{StatusCode: statusCode}
	var env armErrorBody
	if json.Unmarshal(body, &env) == nil && env.Error.Code != "" {
		e.Code, e.Message = env.Error.Code, env.Error.Message
		return e
	}
	e.Code = strings.ReplaceAll(http.StatusText(statusCode), " ", "")
	if e.Code == "" {
		e.Code = fmt.Sprintf("HTTP%d", statusCode)
	}
	e.Message = fmt.Sprintf("The hub answered %s with %s and no ARM error.", method, status)
	return e
}

// HasStatus reports whether err is a ResponseError with the given HTTP status.
func HasStatus(err error, status int) bool {
	var re *ResponseError
	return errors.As(err, &re) && re.StatusCode == status
}

// IsCertificateError reports whether err is a failure to verify the hub's TLS certificate.
func IsCertificateError(err error) bool {
	var (
		verifyErr   *tls.CertificateVerificationError
		unknownCA   x509.UnknownAuthorityError
		hostnameErr x509.HostnameError
		invalidErr  x509.CertificateInvalidError
	)
	return errors.As(err, &verifyErr) || errors.As(err, &unknownCA) ||
		errors.As(err, &hostnameErr) || errors.As(err, &invalidErr)
}
