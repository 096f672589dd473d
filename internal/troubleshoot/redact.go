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

package troubleshoot

import (
	"regexp"

	"github.com/kubearc/kubearc/internal/agentlog"
)

// redacted replaces a value that is never written.
const redacted = "[REDACTED]"

// protectedKey matches the names of fields holding protected settings. agentlog's redaction
// covers the rest: fields named after passwords, tokens, secrets, keys and credentials, and
// PEM blocks, Authorization values and key=value credentials within any text.
var protectedKey = regexp.MustCompile(`(?i)protected`)

// redactDocument redacts a decoded JSON document.
func redactDocument(doc any) any {
	holder := map[string]any{"document": dropProtected(doc)}
	agentlog.RedactFields(holder)
	return holder["document"]
}

// dropProtected replaces the values of protected-settings fields at any depth.
func dropProtected(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, field := range v {
			if protectedKey.MatchString(k) {
				v[k] = redacted
				continue
			}
			v[k] = dropProtected(field)
		}
	case []any:
		for i := range v {
			v[i] = dropProtected(v[i])
		}
	}
	return v
}
