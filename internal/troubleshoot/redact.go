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
	"encoding/json"
	"strings"

	"github.com/kubearc/kubearc/internal/agentlog"
)

// redacted replaces a value that is never written.
const redacted = "[REDACTED]"

// redactDocument redacts a decoded JSON document with agentlog's redaction (fields named
// after passwords, tokens, secrets, keys, credentials and protected settings; credentials
// within any text), and the values of name/value pairs, such as a container's environment,
// whose name is such a name.
func redactDocument(doc any) any {
	holder := map[string]any{"document": redactNamedValues(doc)}
	agentlog.RedactFields(holder)
	return holder["document"]
}

// redactNamedValues replaces the value of each {"name": …, "value": …} object whose name
// names a secret, at any depth.
func redactNamedValues(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if name, ok := v["name"].(string); ok && agentlog.IsSecretName(name) {
			if _, ok := v["value"]; ok {
				v["value"] = redacted
			}
		}
		for k, field := range v {
			v[k] = redactNamedValues(field)
		}
	case []any:
		for i := range v {
			v[i] = redactNamedValues(v[i])
		}
	}
	return v
}

// redactLog redacts a container's log line by line: a line that is a JSON object (after the
// kubelet's timestamp), as a structured log writes, is redacted by its keys too.
func redactLog(text string) string {
	lines := strings.SplitAfter(text, "\n")
	for i, line := range lines {
		body := strings.TrimRight(line, "\r\n")
		end := line[len(body):]
		stamp, rest, found := strings.Cut(body, " ")
		if !found || !strings.HasPrefix(rest, "{") {
			stamp, rest = "", body
		} else {
			stamp += " "
		}
		var fields map[string]any
		if strings.HasPrefix(rest, "{") && json.Unmarshal([]byte(rest), &fields) == nil {
			before := encodeLogLine(fields)
			agentlog.RedactFields(fields)
			if after := encodeLogLine(fields); after != before { // else the line stays as written
				lines[i] = stamp + after + end
				continue
			}
		}
		lines[i] = agentlog.RedactText(line)
	}
	return strings.Join(lines, "")
}

// encodeLogLine encodes a log line's object as compact JSON, leaving <, > and & as they are.
func encodeLogLine(fields map[string]any) string {
	var out strings.Builder
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if enc.Encode(fields) != nil {
		return ""
	}
	return strings.TrimSuffix(out.String(), "\n")
}
