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

package armclient

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxLogLineBytes bounds one line of a log stream: a line's message and fields with room
// for their JSON escaping.
const maxLogLineBytes = 4 * (protocol.MaxLogMessageBytes + protocol.MaxLogFieldsBytes)

// LogQuery selects the lines of an agent's log; empty fields select everything.
type LogQuery struct {
	// Since is a duration back from now, e.g. 1h.
	Since string
	// Level is the least severe level shown.
	Level string
	// Grep keeps the lines whose message, logger or fields contain it.
	Grep string
	// Follow keeps the stream open for new lines until ctx ends or the hub ends it.
	Follow bool
}

func (q LogQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"since": q.Since, "level": q.Level, "grep": q.Grep} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Follow {
		v.Set("follow", "true")
	}
	return v
}

// diagnosticsPath is the kubearc (non-ARM) path of a cluster's diagnostics.
func diagnosticsPath(id armid.ClusterID, what string) string {
	return "/kubearc/v1" + clusterPath(id) + "/" + what
}

// StreamEndedError is StreamLogs' error when the hub ended the stream before its end for a
// reason other than the cluster's deletion (a revoked or expired token, a failure to read
// the log), or a followed stream broke off without a reason.
type StreamEndedError struct {
	// Reason is the hub's protocol.StreamEndedField value; empty when the stream broke off.
	Reason string
	// Message is the hub's explanation.
	Message string
}

func (e *StreamEndedError) Error() string {
	if e.Reason == "" {
		return "the hub ended the log stream without saying why; run the command again to go on"
	}
	return fmt.Sprintf("the log stream ended early (%s): %s", e.Reason, e.Message)
}

// StreamLogs calls emit with each line of the agent's log that q selects, oldest first, as
// the hub sends them. Lines of logger protocol.DroppedLinesLogger tell how many lines the
// agent dropped, and why the hub ended a stream (protocol.StreamEndedLine, emitted too).
// The stream ending because the cluster was deleted is not an error; the hub ending it for
// another reason, and a followed stream ending without a reason while ctx lasts, are a
// *StreamEndedError.
func (c *Client) StreamLogs(ctx context.Context, id armid.ClusterID, q LogQuery, emit func(protocol.LogLine) error) error {
	req, err := c.newRequest(ctx, http.MethodGet, diagnosticsPath(id, "logs"), q.values())
	if err != nil {
		return err
	}
	req.Raw().Header.Set("Accept", "application/x-ndjson")
	resp, err := c.stream(req, http.StatusOK)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 0, 64<<10), maxLogLineBytes)
	var last protocol.LogLine
	for lines.Scan() {
		var l protocol.LogLine
		if err := json.Unmarshal(lines.Bytes(), &l); err != nil {
			return fmt.Errorf("decoding a line of the log: %w", err)
		}
		if err := emit(l); err != nil {
			return err
		}
		last = l
	}
	if ctx.Err() != nil {
		return nil
	}
	if err := lines.Err(); err != nil {
		return fmt.Errorf("reading the log: %w", err)
	}
	// Only the last line counts: an agent's line cannot end the stream early.
	reason, ended := protocol.StreamEndReason(last)
	switch {
	case ended && reason == protocol.StreamEndedClusterDeleted:
		return nil
	case ended:
		return &StreamEndedError{Reason: reason, Message: last.Message}
	case q.Follow:
		return &StreamEndedError{}
	}
	return nil
}

// UsageSample is the agent's CPU and memory use at one heartbeat.
type UsageSample struct {
	Time          time.Time `json:"time"`
	CPUMillicores int64     `json:"cpuMillicores"`
	MemoryBytes   int64     `json:"memoryBytes"`
}

// Usage is the agent's resource use: at its last heartbeat and over time.
type Usage struct {
	// Current is the last heartbeat's use; nil before the first heartbeat.
	Current *UsageSample `json:"current"`
	// Value is the series the hub kept, oldest first.
	Value []UsageSample `json:"value"`
}

// GetUsage returns the agent's resource use since a duration back from now (e.g. 24h);
// empty is the hub's default, the last hour.
func (c *Client) GetUsage(ctx context.Context, id armid.ClusterID, since string) (*Usage, error) {
	q := url.Values{}
	if since != "" {
		q.Set("since", since)
	}
	req, err := c.newRequest(ctx, http.MethodGet, diagnosticsPath(id, "usage"), q)
	if err != nil {
		return nil, err
	}
	return receive[Usage](c, req, "the agent's usage", http.StatusOK)
}
