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

package protocol

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// PathLogs takes a LogBatch, gzip-compressed (Content-Encoding: gzip), and answers 204.
const PathLogs = "/agent/v1/logs"

// Levels of a log line, from the most to the least verbose.
const (
	LogLevelDebug = "debug"
	LogLevelInfo  = "info"
	LogLevelWarn  = "warn"
	LogLevelError = "error"
)

// DroppedLinesLogger is the logger of the lines a hub adds to an agent's log where the agent
// dropped lines; their fields hold the count as "dropped".
const DroppedLinesLogger = "kubearc-hub"

// StreamEndedField is the field of the line a hub ends a log stream with when it stops it
// itself (logger DroppedLinesLogger): its value is one of the StreamEnded reasons. A
// stream the client reads to its end without such a line was complete (or, when followed,
// cut off). Use StreamEndedLine and StreamEndReason rather than the field.
const StreamEndedField = "streamEnded"

// Reasons a hub ends a log stream, the values of StreamEndedField.
const (
	// StreamEndedClusterDeleted: the cluster was deleted; its log is gone with it.
	StreamEndedClusterDeleted = "clusterDeleted"
	// StreamEndedTokenRevoked: the token the stream was opened with was revoked.
	StreamEndedTokenRevoked = "tokenRevoked"
	// StreamEndedTokenExpired: the token the stream was opened with expired.
	StreamEndedTokenExpired = "tokenExpired"
	// StreamEndedError: the hub could not read the log; lines may be missing.
	StreamEndedError = "error"
)

// StreamEndedLine is the last line of a log stream that the hub ended for reason (one of the
// StreamEnded reasons) at the time at.
func StreamEndedLine(at time.Time, reason, message string) LogLine {
	level := LogLevelWarn
	if reason == StreamEndedError {
		level = LogLevelError
	}
	fields, _ := json.Marshal(map[string]string{StreamEndedField: reason})
	return LogLine{Time: at, Level: level, Logger: DroppedLinesLogger, Message: message, Fields: fields}
}

// StreamEndReason returns the reason of a line made by StreamEndedLine; ok is false for any
// other line.
func StreamEndReason(l LogLine) (reason string, ok bool) {
	if l.Logger != DroppedLinesLogger || len(l.Fields) == 0 {
		return "", false
	}
	var fields map[string]any
	if json.Unmarshal(l.Fields, &fields) != nil {
		return "", false
	}
	reason, ok = fields[StreamEndedField].(string)
	return reason, ok
}

// LogLevels are the levels of log lines, from the most to the least verbose.
var LogLevels = []string{LogLevelDebug, LogLevelInfo, LogLevelWarn, LogLevelError}

// LogLevelRank orders levels: a higher rank is more severe; -1 for an unknown level.
func LogLevelRank(level string) int { return slices.Index(LogLevels, level) }

// Limits of a log batch, shared by the agent (which sends no more) and the hub (which refuses
// more).
const (
	// MaxLogBatchLines bounds the lines of one batch.
	MaxLogBatchLines = 1000
	// MaxLogBatchBytes bounds a batch's JSON, decompressed.
	MaxLogBatchBytes = 1 << 20
	// MaxLogMessageBytes bounds a line's message.
	MaxLogMessageBytes = 16 << 10
	// MaxLogFieldsBytes bounds a line's fields, as JSON.
	MaxLogFieldsBytes = 16 << 10
	// MaxLogLoggerBytes bounds a line's logger name.
	MaxLogLoggerBytes = 256
)

// LogLine is one structured line of the agent's log.
type LogLine struct {
	Time time.Time `json:"time"`
	// Level is one of LogLevels.
	Level string `json:"level"`
	// Logger is the name of the logger, e.g. "connection" or "extensions.helm".
	Logger string `json:"logger,omitempty"`
	// Message is the line's message.
	Message string `json:"message"`
	// Fields are the line's key/value pairs, a JSON object.
	Fields json.RawMessage `json:"fields,omitempty"`
}

// LogBatch is what the agent ships of its log at once.
type LogBatch struct {
	Lines []LogLine `json:"lines"`
	// Dropped counts the lines the agent dropped since its last batch: its buffer was full
	// while the hub could not be reached.
	Dropped int64 `json:"dropped,omitempty"`
}

// Validate checks a batch: its count of lines and every line.
func (b *LogBatch) Validate() error {
	if len(b.Lines) > MaxLogBatchLines {
		return invalid("lines", "at most %d lines per batch", MaxLogBatchLines)
	}
	if b.Dropped < 0 {
		return invalid("dropped", "at least 0")
	}
	for i := range b.Lines {
		if err := b.Lines[i].Validate(); err != nil {
			return prefixed(fmt.Sprintf("lines[%d].", i), err)
		}
	}
	return nil
}

// Validate checks one line: a time, a known level, and text of bounded size in its logger,
// message and fields.
func (l *LogLine) Validate() error {
	switch {
	case l.Time.IsZero():
		return invalid("time", "a time")
	case LogLevelRank(l.Level) < 0:
		return invalid("level", "one of %v", LogLevels)
	case len(l.Logger) > MaxLogLoggerBytes:
		return invalid("logger", "at most %d bytes", MaxLogLoggerBytes)
	case len(l.Message) > MaxLogMessageBytes:
		return invalid("message", "at most %d bytes", MaxLogMessageBytes)
	}
	for _, f := range []struct{ name, value string }{{"logger", l.Logger}, {"message", l.Message}} {
		if rule := checkText(f.value); rule != "" {
			return invalid(f.name, "%s", rule)
		}
	}
	return checkPayload("fields", l.Fields, MaxLogFieldsBytes)
}

// CleanText returns s as text a hub accepts: invalid UTF-8 and control characters other than
// tab, newline and carriage return are replaced with U+FFFD.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if isForbiddenControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
