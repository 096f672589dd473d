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
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// LogBatch is one batch of an agent's log lines as the store keeps it.
type LogBatch struct {
	// Seq is set by the store: it grows with every batch stored, over all clusters, so a
	// reader continues after the last batch it saw.
	Seq int64
	// ReceivedAt is when the hub received the batch.
	ReceivedAt time.Time
	// Lines are the batch's lines, in the agent's order.
	Lines []protocol.LogLine
	// Dropped counts the lines the agent dropped before this batch.
	Dropped int64
}

// LogQuery selects a cluster's stored log batches, oldest first.
type LogQuery struct {
	// After selects batches with a Seq greater than it; 0 selects from the first.
	After int64
	// Since selects batches holding a line at or after it (or, with no lines, received at
	// or after it); zero selects all.
	Since time.Time
	// Limit caps the number of batches; 0 means no limit.
	Limit int
	// MaxBytes caps the stored size of the batches returned (as LogRetention counts it): the
	// list ends with the batch that reaches it, so it holds at least one batch; 0 means no
	// limit.
	MaxBytes int64
}

// LogRetention bounds what the store keeps of one cluster's log.
type LogRetention struct {
	// MaxBytes bounds the size of a cluster's stored lines (as JSON): appending a batch
	// removes the cluster's oldest batches past it; 0 means no bound.
	MaxBytes int64
}

// UsageSample is the agent's own resource use at one heartbeat.
type UsageSample struct {
	Time          time.Time `json:"time"`
	CPUMillicores int64     `json:"cpuMillicores"`
	MemoryBytes   int64     `json:"memoryBytes"`
}
