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

package store

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// EncodeLogLines is the JSON of lines without json.Marshal's HTML escaping, which would store
// the fields' <, > and & as \u003c, \u003e and \u0026: readers see the fields as stored, and a
// grep for them would miss. Every store keeps a batch's lines so.
// Fields that arrive escaped so (an agent's json.Marshal) are unescaped first.
func EncodeLogLines(lines []protocol.LogLine) ([]byte, error) {
	lines = slices.Clone(lines)
	for i := range lines {
		lines[i].Fields = unescapeHTML(lines[i].Fields)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(lines); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// htmlEscapes are the escapes json.Marshal writes for <, > and &, and the characters.
var htmlEscapes = map[string]byte{`\u003c`: '<', `\u003e`: '>', `\u0026`: '&'}

// unescapeHTML replaces the escapes of <, > and & in JSON text by the characters, leaving
// every other escape (an escaped backslash followed by "u003c" too) as it is.
func unescapeHTML(data json.RawMessage) json.RawMessage {
	if !bytes.Contains(data, []byte(`\u00`)) {
		return data
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' || i+1 >= len(data) {
			out = append(out, data[i])
			continue
		}
		if i+6 <= len(data) {
			if c, ok := htmlEscapes[strings.ToLower(string(data[i:i+6]))]; ok {
				out, i = append(out, c), i+5
				continue
			}
		}
		out, i = append(out, data[i], data[i+1]), i+1 // an escape pair, copied whole
	}
	return out
}

// Newest is the time of the batch's newest line; ReceivedAt when it has none.
func (b LogBatch) Newest() time.Time {
	if len(b.Lines) == 0 {
		return b.ReceivedAt
	}
	last := b.Lines[0].Time
	for _, l := range b.Lines[1:] {
		if l.Time.After(last) {
			last = l.Time
		}
	}
	return last
}
