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
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// maxBodyBytes bounds request bodies: ARM resources are small.
const maxBodyBytes = 1 << 20

// decodeBody reads a JSON request body into v, answering a clear 400 for anything that is
// not one JSON object of the right shape, a 413 for a body over maxBodyBytes and a 408 for
// one that did not arrive within the server's body read timeout.
func decodeBody(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &armError{status: http.StatusRequestTimeout, code: codeRequestTimeout,
			message: "The request body did not arrive in time; send it at once."}
	case err != nil:
		return badRequest(codeInvalidRequestContent, "The request body could not be read: %s.", err)
	case len(body) > maxBodyBytes:
		drainBody(r.Body)
		return tooLarge()
	}
	return decodeJSON(body, v)
}

// decodeJSON parses body into v with a message that names the offending field or offset.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest(codeInvalidRequestContent, "The request content is empty; send the resource as a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return badRequest(codeInvalidRequestContent, "The request content was invalid and could not be deserialized: %s.", describeJSONError(err))
	}
	if dec.More() {
		return badRequest(codeInvalidRequestContent, "The request content was invalid and could not be deserialized: data after the JSON object.")
	}
	return nil
}

func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fmt.Sprintf("property '%s' must be of type %s, not %s", typeErr.Field, jsonType(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("expected a JSON object, got %s", typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("%s at offset %d", syntaxErr.Error(), syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends unexpectedly"
	default:
		return err.Error()
	}
}

func jsonType(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "number"
	case goKind == "map", goKind == "struct", goKind == "ptr":
		return "object"
	case goKind == "slice":
		return "array"
	default:
		return goKind
	}
}
