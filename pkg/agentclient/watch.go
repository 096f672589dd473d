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

package agentclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// errWatchIdle ends a watch stream that went silent for longer than WatchIdleTimeout.
var errWatchIdle = errors.New("the watch stream carried nothing, not even a bookmark, for too long")

// Watch streams the changes of the desired state after resourceVersion (a DesiredState's or
// the last event's) to fn, in order, bookmarks included, until ctx ends, the stream breaks
// or fn returns an error, and returns why. An error wrapping ErrGone (also a *HubError with
// 410) means the version is too old: list again and watch from the list's version.
func (c *Client) Watch(ctx context.Context, resourceVersion string, fn func(protocol.WatchEvent) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := time.AfterFunc(c.watchIdle, func() { cancel(errWatchIdle) })
	defer idle.Stop()

	path := protocol.PathWatch + "?resourceVersion=" + url.QueryEscape(resourceVersion)
	resp, err := c.send(ctx, c.agentClient(), c.hub(), http.MethodGet, path, nil)
	if err != nil {
		return streamError(ctx, err)
	}
	defer func() { _ = resp.Body.Close() }()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusGone:
		return fmt.Errorf("watch from %s: %w: %w", resourceVersion, ErrGone, readHubError(resp))
	default:
		return fmt.Errorf("watch from %s: %w", resourceVersion, readHubError(resp))
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var e protocol.WatchEvent
		if err := dec.Decode(&e); err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the hub ended the watch stream")
			}
			return streamError(ctx, fmt.Errorf("reading the watch stream: %w", err))
		}
		idle.Reset(c.watchIdle)
		if err := fn(e); err != nil {
			return err
		}
	}
}

// streamError prefers the reason the watch's context ended (the caller's cancellation, or
// the idle timeout) over the transport's report of it.
func streamError(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil {
		return fmt.Errorf("watch: %w", cause)
	}
	return err
}
