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

// Package agentlog ships the agent's own log to the hub: a zap core tees every structured
// line, redacted, into a Ring of fixed size that never blocks the logging call, and a
// Shipper sends the Ring's lines in batches to the hub (protocol.PathLogs). When the hub
// cannot be reached the Ring keeps the newest lines, and the next batch says how many of the
// oldest it dropped.
package agentlog

import (
	"sync"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// lineOverhead is what a line costs in the Ring beside its text: its struct and slice slot.
const lineOverhead = 128

// Ring holds the newest log lines within a bound of lines and bytes. It is safe for
// concurrent use, and Push never waits for anything but a short lock.
type Ring struct {
	maxLines int
	maxBytes int
	// wake receives a value, without blocking, when the Ring is half full.
	wake chan struct{}

	mu      sync.Mutex
	lines   []protocol.LogLine // a circular buffer of maxLines slots
	head    int                // index of the oldest line
	count   int
	bytes   int
	dropped int64
}

// NewRing returns a Ring of at most maxLines lines and maxBytes bytes. A Ring of no lines
// or bytes holds nothing: it drops and counts every line.
func NewRing(maxLines, maxBytes int) *Ring {
	maxLines, maxBytes = max(maxLines, 0), max(maxBytes, 0)
	return &Ring{maxLines: maxLines, maxBytes: maxBytes, lines: make([]protocol.LogLine, maxLines), wake: make(chan struct{}, 1)}
}

// size is what a line counts against the Ring's bytes.
func size(l protocol.LogLine) int {
	return lineOverhead + len(l.Logger) + len(l.Message) + len(l.Fields)
}

// Push adds a line, dropping (and counting) the oldest ones to make room. A line larger than
// the whole Ring is dropped itself.
func (r *Ring) Push(l protocol.LogLine) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.maxLines == 0 || size(l) > r.maxBytes {
		r.dropped++
		return
	}
	for r.count == r.maxLines || r.bytes+size(l) > r.maxBytes {
		r.popOldest()
		r.dropped++
	}
	r.lines[(r.head+r.count)%r.maxLines] = l
	r.count++
	r.bytes += size(l)
	if r.count >= r.maxLines/2 || r.bytes >= r.maxBytes/2 {
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
}

// popOldest removes the oldest line; the caller holds mu.
func (r *Ring) popOldest() protocol.LogLine {
	l := r.lines[r.head]
	r.lines[r.head] = protocol.LogLine{}
	r.head = (r.head + 1) % r.maxLines
	r.count--
	r.bytes -= size(l)
	return l
}

// Take removes and returns a batch of the oldest lines, at most maxLines of at most
// maxBytes (but always one line when there is one), with the count of lines dropped since
// the last Take.
func (r *Ring) Take(maxLines, maxBytes int) protocol.LogBatch {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := protocol.LogBatch{Dropped: r.dropped}
	r.dropped = 0
	for taken := 0; r.count > 0 && len(b.Lines) < maxLines; {
		next := size(r.lines[r.head])
		if len(b.Lines) > 0 && taken+next > maxBytes {
			break
		}
		b.Lines = append(b.Lines, r.popOldest())
		taken += next
	}
	return b
}

// countDropped counts n lines lost outside the Ring, reported with the next batch.
func (r *Ring) countDropped(n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dropped += n
}

// Len returns the number of lines held and their bytes.
func (r *Ring) Len() (lines, bytes int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count, r.bytes
}

// Wake receives a value when the Ring became half full since it was last read.
func (r *Ring) Wake() <-chan struct{} { return r.wake }
