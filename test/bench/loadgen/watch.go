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

package loadgen

import (
	"bufio"
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

// errGone is a watch answered 410: the agent lists again.
var errGone = errors.New("watch answered 410 Gone")

// watch keeps the agent's watch stream open until ctx ends, as the agent would: list, watch
// from the list's version, resume from the last version seen after a break. Every break is
// counted as an error. ready is called exactly once: when the first stream's first line
// arrives, or with the error of the first attempt.
func (a *Agent) watch(ctx context.Context, l *load, ready func(error)) {
	pending := true
	signal := func(err error) {
		if pending {
			pending = false
			ready(err)
		}
	}
	rv := ""
	for ctx.Err() == nil {
		err := a.watchOnce(ctx, l, &rv, func() { signal(nil) })
		if ctx.Err() != nil {
			break
		}
		signal(err)
		l.recordBreak(&l.errors.watch, err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	signal(ctx.Err())
}

// watchOnce lists if needed, opens one watch stream and reads it until it ends. opened is
// called when its first line arrives.
func (a *Agent) watchOnce(ctx context.Context, l *load, rv *string, opened func()) error {
	if *rv == "" {
		listed, err := a.list(ctx)
		if err != nil {
			return err
		}
		*rv = listed
	}
	resp, err := a.get(ctx, protocol.PathWatch+"?resourceVersion="+url.QueryEscape(*rv))
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode == http.StatusGone {
		*rv = ""
		return fmt.Errorf("watch of %s: %w", a.ClusterID, errGone)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("watch of %s: %s", a.ClusterID, resp.Status)
	}
	return a.readStream(l, bufio.NewReaderSize(resp.Body, 512), rv, opened)
}

// readStream reads watch events until the stream ends, keeping the last version seen.
func (a *Agent) readStream(l *load, r *bufio.Reader, rv *string, opened func()) error {
	ev, at, err := a.next(r)
	if err != nil {
		return err
	}
	l.reconnected(&l.watchReconnects)
	opened()
	l.watchesOpen.Add(1)
	defer l.watchesOpen.Add(-1)
	for {
		*rv = ev.ResourceVersion
		if ev.Object != nil && ev.Object.Kind == protocol.KindAgentProfile {
			a.observe(ev.Object.Spec, at)
		}
		if ev, at, err = a.next(r); err != nil {
			return err
		}
	}
}

// next reads one event and the time it arrived.
func (a *Agent) next(r *bufio.Reader) (protocol.WatchEvent, time.Time, error) {
	var ev protocol.WatchEvent
	line, err := r.ReadBytes('\n')
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return ev, time.Time{}, fmt.Errorf("watch stream of %s ended: %w", a.ClusterID, err)
	}
	at := time.Now()
	if err := json.Unmarshal(line, &ev); err != nil {
		return ev, at, fmt.Errorf("watch stream of %s: bad event %q: %w", a.ClusterID, line, err)
	}
	return ev, at, nil
}

// observe tells a waiting propagation probe that the agent saw its version.
func (a *Agent) observe(spec json.RawMessage, at time.Time) {
	exp := a.expect.Load()
	if exp == nil {
		return
	}
	var profile protocol.AgentProfile
	if json.Unmarshal(spec, &profile) != nil || profile.DesiredAgentVersion != exp.version {
		return
	}
	select {
	case exp.seen <- at:
	default:
	}
}

// list reads the desired state and returns its version.
func (a *Agent) list(ctx context.Context) (string, error) {
	resp, err := a.get(ctx, protocol.PathDesiredState)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("desired state of %s: %s", a.ClusterID, resp.Status)
	}
	var state protocol.DesiredState
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
		return "", fmt.Errorf("decoding the desired state of %s: %w", a.ClusterID, err)
	}
	return state.ResourceVersion, nil
}

func (a *Agent) get(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.baseURL+path, http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("building GET %s: %w", path, err)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s as %s: %w", path, a.ClusterID, err)
	}
	return resp, nil
}
