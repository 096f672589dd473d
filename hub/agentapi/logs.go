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

package agentapi

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// logs stores a batch of the agent's own log. The body is JSON, gzip-compressed or not, of
// at most protocol.MaxLogBatchBytes once decompressed: a small body that inflates past it
// (a zip bomb) is refused as too large without being inflated further.
func (a *API) logs(w http.ResponseWriter, r *http.Request) {
	body, ok := a.logBody(w, r)
	if !ok {
		return
	}
	if !utf8.Valid(body) { // the JSON decoder would replace what is not UTF-8 silently
		writeError(w, http.StatusBadRequest, "InvalidLogBatch", "the log batch is invalid: it must be valid UTF-8")
		return
	}
	var batch protocol.LogBatch
	if err := json.Unmarshal(body, &batch); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestContent", "the log batch is not valid JSON of the expected shape")
		return
	}
	if err := batch.Validate(); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidLogBatch", "the log batch is invalid: "+err.Error())
		return
	}
	err := a.Logs.Append(r.Context(), clusterFrom(r.Context()), batch)
	switch {
	case isNotFound(err): // deleted since the request was admitted
		writeError(w, http.StatusForbidden, "ClusterCredentialRevoked", "the cluster no longer exists")
	case err != nil:
		a.writeInternal(w, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// logBody reads a log batch's body, decompressed, or answers why it cannot.
func (a *API) logBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	in := io.Reader(http.MaxBytesReader(w, r.Body, protocol.MaxLogBatchBytes))
	switch r.Header.Get("Content-Encoding") {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(in)
		if err != nil {
			writeError(w, http.StatusBadRequest, "InvalidRequestContent", "the request body is not gzip")
			return nil, false
		}
		in = zr
	default:
		writeError(w, http.StatusUnsupportedMediaType, "UnsupportedContentEncoding", "send the log batch as gzip or uncompressed")
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(in, protocol.MaxLogBatchBytes+1))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge), len(body) > protocol.MaxLogBatchBytes:
		writeError(w, http.StatusRequestEntityTooLarge, "RequestBodyTooLarge",
			fmt.Sprintf("the log batch is larger than %d bytes (decompressed); send smaller batches", protocol.MaxLogBatchBytes))
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, "InvalidRequestContent", "the request body could not be read whole, or is not valid gzip")
		return nil, false
	}
	return body, true
}
