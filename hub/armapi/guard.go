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
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
)

// codeInvalidRequestURI answers a request path that is not in canonical form.
const codeInvalidRequestURI = "InvalidRequestUri"

// RejectUncleanPaths answers a 400 ARM error for a path with dot segments ("." or ".."),
// empty segments ("//") or no leading slash, where Go's ServeMux would answer an HTML 307
// redirect to the cleaned path. It belongs in front of every ServeMux of the hub.
func RejectUncleanPaths(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect && !isCleanPath(r.URL.Path) {
			writeError(w, log, badRequest(codeInvalidRequestURI,
				"The request path '%s' is not valid: it must not contain '.' or '..' segments or empty segments.", r.URL.Path))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// isCleanPath reports whether ServeMux would serve p as it is: p is what path.Clean makes
// of it, give or take a trailing slash.
func isCleanPath(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	return path.Clean(p) == strings.TrimSuffix(p, "/") || p == "/"
}

// limitBody answers 413 before the handler runs when the declared length is over the limit;
// decodeBody answers the same for a body of unknown length (chunked) that turns out larger.
func limitBody(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			drainBody(r.Body)
			writeError(w, log, tooLarge())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maxDrainBytes is how much of an oversized body the hub reads and discards before it
// answers 413. A client that sends its whole body before reading the answer (curl, most
// HTTP/1.1 clients) then gets the 413 rather than a connection reset; bodies larger than
// this still may see a reset, since reading them all would let a client keep the hub busy.
const maxDrainBytes = 8 << 20

// drainBody discards up to maxDrainBytes of an oversized body; the server's body read
// deadline bounds how long that may take.
func drainBody(body io.Reader) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrainBytes))
}

// tooLarge is the 413 of a body over maxBodyBytes.
func tooLarge() error {
	return &armError{status: http.StatusRequestEntityTooLarge, code: codeRequestTooLarge,
		message: fmt.Sprintf("The request body is larger than the limit of %d bytes.", maxBodyBytes)}
}
