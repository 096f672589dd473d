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
	"encoding/json"
	"strings"
	"unicode/utf8"

	"go.uber.org/zap/zapcore"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxStringBytes bounds one string of a line's fields, well within what the hub accepts.
const maxStringBytes = 4 << 10

// core is a zapcore.Core that redacts each entry and pushes it into a Ring. Logging through
// it costs an encoding of the entry and a short lock, never a wait on the hub.
type core struct {
	ring   *Ring
	level  zapcore.LevelEnabler
	fields []zapcore.Field
}

// NewCore returns a core shipping the entries level enables into ring; tee it with the
// agent's own core (zap.WrapCore and zapcore.NewTee).
func NewCore(ring *Ring, level zapcore.LevelEnabler) zapcore.Core {
	return &core{ring: ring, level: level}
}

func (c *core) Enabled(l zapcore.Level) bool { return c.level.Enabled(l) }

func (c *core) With(fields []zapcore.Field) zapcore.Core {
	return &core{ring: c.ring, level: c.level, fields: append(c.fields[:len(c.fields):len(c.fields)], fields...)}
}

func (c *core) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) && !isShipperLogger(e.LoggerName) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c *core) Write(e zapcore.Entry, fields []zapcore.Field) error {
	c.ring.Push(line(e, append(c.fields[:len(c.fields):len(c.fields)], fields...)))
	return nil
}

func (c *core) Sync() error { return nil }

// isShipperLogger reports whether name is the Shipper's logger or one below it.
func isShipperLogger(name string) bool {
	return name == ShipperLoggerName || strings.HasPrefix(name, ShipperLoggerName+".")
}

// line turns an entry into a redacted line within the protocol's limits.
func line(e zapcore.Entry, fields []zapcore.Field) protocol.LogLine {
	l := protocol.LogLine{Time: e.Time.UTC(), Level: level(e.Level), Logger: truncate(e.LoggerName, protocol.MaxLogLoggerBytes),
		Message: truncate(RedactText(e.Message), protocol.MaxLogMessageBytes), Fields: encodeFields(fields)}
	if l.Validate() != nil { // fields the hub would refuse (too large or deep): ship the message
		l.Fields = nil
	}
	return l
}

// level is the protocol level of a zap level: V-levels of logr are debug.
func level(l zapcore.Level) string {
	switch {
	case l < zapcore.InfoLevel:
		return protocol.LogLevelDebug
	case l == zapcore.InfoLevel:
		return protocol.LogLevelInfo
	case l == zapcore.WarnLevel:
		return protocol.LogLevelWarn
	}
	return protocol.LogLevelError
}

// encodeFields encodes zap fields as a redacted JSON object; nil when there are none. The
// fields go through JSON once before redaction, so that values logged as structs are
// redacted by their keys too.
func encodeFields(fields []zapcore.Field) json.RawMessage {
	if len(fields) == 0 {
		return nil
	}
	enc := zapcore.NewMapObjectEncoder()
	for _, f := range fields {
		f.AddTo(enc)
	}
	data, err := json.Marshal(enc.Fields)
	var decoded map[string]any
	if err != nil || json.Unmarshal(data, &decoded) != nil {
		return nil
	}
	RedactFields(decoded)
	data, err = json.Marshal(decoded)
	if err != nil {
		return nil
	}
	return data
}

// truncate cuts s, made clean text, to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	s = protocol.CleanText(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.Clone(s[:n])
}
