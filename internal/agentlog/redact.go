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
	"strings"
)

// redacted replaces what looks like a credential.
const redacted = "[REDACTED]"

// secretNames are the words that, within a field's or a key=value pair's name, mark its value
// as secret; one list for text and fields (and authorization, which text redacts with its
// scheme). "key" covers api_key, private_key, storageAccountKey and the like, "protected"
// protected settings.
const secretNames = `password|passwd|token|secret|key|credential|protected`

// secretValue is a value after a key and its separator: quoted (the quotes stay, their
// content is replaced, spaces included) or a run up to a space, quote, separator or bracket.
const secretValue = `(?:"([^"]*)"|'([^']*)'|([^\s"',;&\]]+))`

// rule replaces what re matches: the whole match when it has no groups, else only the first
// group that matched after the first (the first group is what stays before it).
type rule struct {
	re *regexp.Regexp
}

var (
	// credentialText matches credentials within text, in this order: PEM blocks (also base64
	// encoded, as in a kubeconfig), passwords in URLs, Authorization values with their scheme,
	// bearer tokens, and key=value pairs whose key names a secret; the names stay.
	credentialText = []rule{
		{regexp.MustCompile(`-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)`)},
		{regexp.MustCompile(`LS0tLS1CRUdJTi[A-Za-z0-9+/=]*`)},
		{regexp.MustCompile(`(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)([^@\s/]+)@`)},
		{regexp.MustCompile(`(?i)(authorization["']?[ \t]*[:=][ \t]*[\[(]*(?:\w+[ \t]+)?)` + secretValue)},
		{regexp.MustCompile(`(?i)(\bbearer\s+)([A-Za-z0-9._~+/=-]+)`)},
		{regexp.MustCompile(`(?i)(\b[\w.-]*(?:` + secretNames + `)[\w.-]*["']?[ \t]*[:=][ \t]*[\[(]*)` + secretValue)},
	}
	// secretKey matches the names of fields whose values are never shipped.
	secretKey = regexp.MustCompile(`(?i)(` + secretNames + `|authorization)`)
)

// RedactText replaces what looks like a credential in s.
func RedactText(s string) string {
	for _, r := range credentialText {
		s = r.apply(s)
	}
	return s
}

// apply replaces what r matches in s, leaving values already redacted as they are.
func (r rule) apply(s string) string {
	matches := r.re.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s
	}
	var out strings.Builder
	last := 0
	for _, m := range matches {
		from, to := m[0], m[1]
		for g := 2; g < len(m)/2; g++ { // the secret: the first group after the kept one
			if m[2*g] >= 0 {
				from, to = m[2*g], m[2*g+1]
				break
			}
		}
		if v := s[from:to]; v == "REDACTED" || strings.HasPrefix(v, redacted) {
			continue
		}
		out.WriteString(s[last:from])
		out.WriteString(redacted)
		last = to
	}
	out.WriteString(s[last:])
	return out.String()
}

// IsSecretName reports whether a field or variable of this name holds a value never shown.
func IsSecretName(name string) bool { return secretKey.MatchString(name) }

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
