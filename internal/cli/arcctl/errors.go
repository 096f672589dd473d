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

package arcctl

import (
	"errors"
	"net/http"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

// describe is the message an error is shown with. A hub error is shown as its ARM error
// alone, "(Code) Message", as the Azure CLI shows it, with a hint when the fix is arcctl's.
func describe(err error) string {
	var re *armclient.ResponseError
	switch {
	case errors.As(err, &re) && re.StatusCode == http.StatusUnauthorized:
		return re.Error() + "\nThe hub no longer accepts the saved token; run 'arcctl login' with a valid token."
	case errors.As(err, &re):
		return re.Error()
	case armclient.IsCertificateError(err):
		return err.Error() + "\nThe hub's TLS certificate is not trusted: pass the hub's CA certificate to 'arcctl login --ca-file' (ca.crt in the hub's data directory)."
	}
	return err.Error()
}
