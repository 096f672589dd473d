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
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// formatLogLine shows a line like kubectl logs shows a structured log: time, level, logger,
// message, then the fields as key=value sorted by key. A line of the hub counting the lines
// the agent dropped says so plainly.
func formatLogLine(l protocol.LogLine) string {
	msg, fields := l.Message, logFields(l.Fields)
	if n, ok := fields["dropped"]; ok && l.Logger == protocol.DroppedLinesLogger {
		msg, fields = fmt.Sprintf("… %s lines dropped by the agent while the hub was unreachable", n), nil
	}
	parts := []string{l.Time.UTC().Format(time.RFC3339), fmt.Sprintf("%-5s", printable(l.Level))}
	if l.Logger != "" {
		parts = append(parts, printable(l.Logger))
	}
	parts = append(parts, printable(msg))
	for _, k := range sortedKeys(fields) {
		parts = append(parts, printable(k)+"="+fields[k])
	}
	return strings.Join(parts, " ")
}

// printable returns s, or s quoted with Go's escapes when it holds a character that is not
// printable: a line break, a carriage return, an escape sequence or a bidirectional or other
// format character could make the terminal show forged lines or text.
func printable(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return strconv.Quote(s)
	}
	return s
}

// logFields renders a line's fields as text: values as jsonText shows them, quoted when they
// are empty or hold spaces, quotes or '='.
func logFields(raw json.RawMessage) map[string]string {
	var fields map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &fields) != nil {
		return nil
	}
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[k] = jsonText(v)
		if out[k] == "" || strings.ContainsAny(out[k], " \t\n\"=") {
			out[k] = strconv.Quote(out[k])
		} else {
			out[k] = printable(out[k])
		}
	}
	return out
}
