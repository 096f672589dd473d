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

package diagnostics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Reading a log: pages of batches bounded by their stored size (so that a reader holds a few
// MiB at most, not 100 batches of up to 1 MiB each), and how often a follower looks again
// without a wake-up (another hub replica may have stored the batch) and checks that the
// cluster still exists.
const (
	pageBytes     = 4 << 20
	pageBatches   = 100
	followRecheck = 2 * time.Second
)

// Stream emits a cluster's stored lines that f selects, oldest first, with a line of
// protocol.DroppedLinesLogger where the agent dropped lines. It calls open once the first
// page was read, before its first line, so that a caller can still answer a failure to read
// it with a status of its own. With follow it then waits for more until ctx ends (the
// error is then context.Cause(ctx): auth.ErrRevoked or auth.ErrExpired when the caller's
// token was revoked or expired) or the cluster is deleted (store.ErrNotFound, IsGone).
func (s *Service) Stream(ctx context.Context, clusterID string, f Filter, follow bool, open func() error,
	emit func(protocol.LogLine) error) error {
	woken, stop := s.subscribe(clusterID)
	defer stop()
	if cred, ok := auth.CredentialFrom(ctx); ok && follow {
		var release func()
		ctx, release = s.Revocations.Hold(ctx, cred)
		defer release()
	}
	var after int64
	for {
		last, err := s.emitAfter(ctx, clusterID, f, after, open, emit)
		open = nil
		if err != nil || !follow {
			return err
		}
		after = last
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-woken:
		case <-time.After(followRecheck):
			if _, err := s.Store.GetResource(ctx, clusterID); err != nil {
				if ctx.Err() != nil {
					return context.Cause(ctx)
				}
				return err
			}
		}
	}
}

// emitAfter emits the selected lines of the batches after seq after, calling open (when not
// nil) after the first page was read, and returns the last seq read.
func (s *Service) emitAfter(ctx context.Context, clusterID string, f Filter, after int64, open func() error,
	emit func(protocol.LogLine) error) (int64, error) {
	for {
		batches, err := s.Store.ListLogs(ctx, clusterID,
			store.LogQuery{After: after, Since: f.Since, Limit: pageBatches, MaxBytes: pageBytes})
		if err != nil {
			if ctx.Err() != nil {
				return after, context.Cause(ctx)
			}
			return after, fmt.Errorf("reading the log of %s: %w", clusterID, err)
		}
		if open != nil {
			if err := open(); err != nil {
				return after, err
			}
			open = nil
		}
		for _, b := range batches {
			if err := emitBatch(b, f, emit); err != nil {
				return after, err
			}
			after = b.Seq
		}
		if len(batches) == 0 {
			return after, nil
		}
	}
}

func emitBatch(b store.LogBatch, f Filter, emit func(protocol.LogLine) error) error {
	if b.Dropped > 0 {
		if l := droppedLine(b); f.Match(l) {
			if err := emit(l); err != nil {
				return err
			}
		}
	}
	for _, l := range b.Lines {
		if f.Match(l) {
			if err := emit(l); err != nil {
				return err
			}
		}
	}
	return nil
}

// droppedLine tells, as a warning at the batch's arrival, how many lines the agent dropped
// before it.
func droppedLine(b store.LogBatch) protocol.LogLine {
	fields, _ := json.Marshal(map[string]int64{"dropped": b.Dropped})
	return protocol.LogLine{Time: b.ReceivedAt, Level: protocol.LogLevelWarn, Logger: protocol.DroppedLinesLogger, Fields: fields,
		Message: fmt.Sprintf("The agent dropped %d log lines it could not send to the hub in time", b.Dropped)}
}

// IsGone reports whether a Stream ended because the cluster was deleted.
func IsGone(err error) bool { return errors.Is(err, store.ErrNotFound) }
