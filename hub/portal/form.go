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

package portal

import (
	"errors"
	"fmt"
	"net/http"
)

const (
	// maxSignInBytes bounds the sign-in and sign-out forms: a token, a form token and a path.
	maxSignInBytes = 16 << 10
	// maxFormBytes bounds an action's form like the API bounds its bodies (1 MiB).
	maxFormBytes = 1 << 20
)

// parseForm reads the request's form, at most limit bytes of it. It answers 413 when the
// form is larger, 400 when it cannot be read, and then returns false.
func (p *Portal) parseForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	err := r.ParseForm()
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &tooLarge):
		p.renderError(w, r, http.StatusRequestEntityTooLarge, "Form too large",
			fmt.Sprintf("The form is larger than the portal takes (%d KiB); shorten what you entered and try again.", limit>>10))
	default:
		p.renderError(w, r, http.StatusBadRequest, "Bad request", "The form could not be read: "+err.Error())
	}
	return false
}
