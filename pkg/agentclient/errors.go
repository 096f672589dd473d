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

package agentclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// ErrGone is returned by Watch when the hub no longer remembers the resourceVersion (410
// Gone): list the desired state again and watch from the list's version.
var ErrGone = errors.New("the desired-state resourceVersion expired on the hub; list again")

// HubError is an error answer of the hub: a non-2xx status with the protocol's
// {"code", "message"} body. Code is empty when the body was not the hub's (a proxy's answer,
// for example), and Message then holds the start of that body.
type HubError struct {
	// StatusCode is the HTTP status, e.g. 403.
	StatusCode int
	// Code is the hub's error code, e.g. ProofOfPossessionFailed.
	Code string
	// Message says what went wrong and what to do.
	Message string
}

// Error describes the answer.
func (e *HubError) Error() string {
	status := fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	switch {
	case e.Code != "" && e.Message != "":
		return fmt.Sprintf("hub answered %s: %s: %s", status, e.Code, e.Message)
	case e.Code != "":
		return fmt.Sprintf("hub answered %s: %s", status, e.Code)
	case e.Message != "":
		return fmt.Sprintf("hub answered %s: %s", status, e.Message)
	}
	return "hub answered " + status
}

// IsUnauthorized reports whether err is a 401 from the hub: no client certificate, or an
// expired or invalid one. Register again.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsForbidden reports whether err is a 403 from the hub: the key is not the cluster's
// (ProofOfPossessionFailed) or the certificate was revoked (ClusterCredentialRevoked).
func IsForbidden(err error) bool { return statusOf(err) == http.StatusForbidden }

// IsNotFound reports whether err is a 404 from the hub, e.g. ClusterNotFound on Register.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

func statusOf(err error) int {
	var he *HubError
	if errors.As(err, &he) {
		return he.StatusCode
	}
	return 0
}

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// maxErrorMessage bounds how much of a foreign (non-hub) error body lands in a message.
const maxErrorMessage = 256

// readHubError turns a non-2xx answer into a *HubError.
func readHubError(resp *http.Response) *HubError {
	he := &HubError{StatusCode: resp.StatusCode}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var e protocol.Error
	if json.Unmarshal(body, &e) == nil && e.Code != "" {
		he.Code, he.Message = e.Code, e.Message
		return he
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > maxErrorMessage {
		msg = msg[:maxErrorMessage] + "…"
	}
	he.Message = msg
	return he
}
