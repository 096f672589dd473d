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

package agentlog

import (
	"regexp"
)

// redacted replaces what looks like a credential.
const redacted = "[REDACTED]"

// rule replaces what re matches with replacement.
type rule struct {
	re          *regexp.Regexp
	replacement string
}

var (
	// credentialText matches credentials within text: PEM blocks, Authorization header
	// values, bearer tokens and key=value pairs whose key names a secret; the name stays.
	credentialText = []rule{
		{regexp.MustCompile(`-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)`), redacted},
		{regexp.MustCompile(`(?i)(authorization["']?\s*[:=]\s*["']?)(\w+\s+)?[^\s"',;]+`), "${1}" + redacted},
		{regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+`), "${1}" + redacted},
		{regexp.MustCompile(`(?i)((password|passwd|token|secret|api[_-]?key|private[_-]?key)["']?\s*[:=]\s*["']?)[^\s"',;&]+`), "${1}" + redacted},
	}
	// secretKey matches the names of fields whose values are never shipped.
	secretKey = regexp.MustCompile(`(?i)(password|passwd|token|secret|key|authorization|credential)`)
)

// RedactText replaces what looks like a credential in s.
func RedactText(s string) string {
	for _, r := range credentialText {
		s = r.re.ReplaceAllString(s, r.replacement)
	}
	return s
}

// RedactFields redacts decoded log fields in place: the values of keys that name a secret
// whole, and credentials within every string.
func RedactFields(fields map[string]any) {
	for k, v := range fields {
		if secretKey.MatchString(k) {
			fields[k] = redacted
			continue
		}
		fields[k] = redactValue(v)
	}
}

func redactValue(v any) any {
	switch v := v.(type) {
	case string:
		return truncate(RedactText(v), maxStringBytes)
	case map[string]any:
		RedactFields(v)
	case []any:
		for i := range v {
			v[i] = redactValue(v[i])
		}
	}
	return v
}
