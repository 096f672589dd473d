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

package tunnelmux

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// The tunnel as an HTTP exchange: the agent POSTs to protocol.PathTunnel with the Content-Type
// protocol.TunnelContentType and a body that never ends, the hub answers 200 at once with a
// body that never ends either, and the two bodies carry the byte stream yamux runs on, one
// each way. On HTTP/2, the agent's and the hub's usual protocol, the exchange is one stream
// of the connection that carries the agent's other requests. On HTTP/1.1 the hub enables full
// duplex, and the exchange holds its connection.

// answerTimeout bounds the wait for the hub's answer to a tunnel request: the hub answers at
// once, but a hub or proxy that waits for the request's body to end never would.
var answerTimeout = 30 * time.Second

// Dial sends the agent's tunnel request to url with do (an http.Client's Do, or a function
// that sends with one and turns the hub's refusals into errors) and returns the agent's end
// of the byte stream once the hub answers 200. Another answer is an error that quotes it.
// The stream ends when ctx does or when it is closed.
func Dial(ctx context.Context, url string, do func(*http.Request) (*http.Response, error)) (io.ReadWriteCloser, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	body, send := io.Pipe()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		cancel(err)
		return nil, err
	}
	req.Header.Set("Content-Type", protocol.TunnelContentType)
	// The HTTP/1.1 transport, cancelled, waits for its write of the body: end the body.
	context.AfterFunc(ctx, func() { _ = body.CloseWithError(context.Cause(ctx)) })
	noAnswer := fmt.Errorf("the hub did not answer the tunnel request within %s", answerTimeout)
	silent := time.AfterFunc(answerTimeout, func() { cancel(noAnswer) })
	resp, err := do(req)              //nolint:bodyclose // refusal closes it; the stream owns it and closes it
	if !silent.Stop() && err == nil { // the answer came as the timer cancelled the request
		_ = resp.Body.Close()
		err = noAnswer
	}
	if err == nil {
		err = checkAnswer(resp)
	}
	if err != nil { // the transport closed body
		if errors.Is(context.Cause(ctx), noAnswer) {
			err = noAnswer
		}
		cancel(err)
		return nil, err
	}
	s := &clientStream{answer: resp.Body, send: send, cancel: cancel}
	s.frames.emit = func(frame []byte) error { _, err := send.Write(frame); return err }
	return s, nil
}

// checkAnswer accepts the hub's 200 with the tunnel's Content-Type; it reads and closes any
// other answer, and quotes it.
func checkAnswer(resp *http.Response) error {
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode == http.StatusOK && ct == protocol.TunnelContentType {
		return nil
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode == http.StatusOK {
		return fmt.Errorf("the hub answered the tunnel with the Content-Type %q: it is no kubearc hub, or an older one", ct)
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	return fmt.Errorf("the hub answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
}

// clientStream is the agent's end: it reads the hub's answer and writes the request's body,
// which the HTTP transport reads from the pipe as it sends.
type clientStream struct {
	answer io.ReadCloser
	send   *io.PipeWriter
	cancel context.CancelCauseFunc
	frames frameWriter
}

func (s *clientStream) Read(p []byte) (int, error)  { return s.answer.Read(p) }
func (s *clientStream) Write(p []byte) (int, error) { return s.frames.Write(p) }

func (s *clientStream) Close() error {
	_ = s.send.Close()
	err := s.answer.Close()
	s.cancel(io.ErrClosedPipe)
	return err
}

// Accept answers r, an agent's tunnel request, with 200 and returns the hub's end of the
// byte stream. It refuses, with 415, a request without protocol.TunnelContentType. The
// handler keeps running while the stream is used, and closes it before it returns: the
// stream writes to w.
func Accept(w http.ResponseWriter, r *http.Request) (io.ReadWriteCloser, error) {
	if ct := r.Header.Get("Content-Type"); ct != protocol.TunnelContentType {
		http.Error(w, "the tunnel's Content-Type is "+protocol.TunnelContentType, http.StatusUnsupportedMediaType)
		return nil, fmt.Errorf("the tunnel request has the Content-Type %q", ct)
	}
	rc := http.NewResponseController(w)
	// HTTP/2 streams are full duplex already, and say ErrNotSupported.
	if err := rc.EnableFullDuplex(); err != nil && (r.ProtoMajor < 2 || !errors.Is(err, http.ErrNotSupported)) {
		return nil, fmt.Errorf("enabling full duplex for the tunnel: %w", err)
	}
	w.Header().Set("Content-Type", protocol.TunnelContentType)
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return nil, fmt.Errorf("answering the tunnel: %w", err)
	}
	s := &serverStream{body: r.Body, w: w, rc: rc}
	s.frames.emit = s.emit
	return s, nil
}

// serverStream is the hub's end: it reads the request's body and writes the answer's.
type serverStream struct {
	body   io.ReadCloser
	w      http.ResponseWriter
	rc     *http.ResponseController
	frames frameWriter

	mu     sync.Mutex // held by a write to w
	closed bool
	once   sync.Once
}

func (s *serverStream) Read(p []byte) (int, error)  { return s.body.Read(p) }
func (s *serverStream) Write(p []byte) (int, error) { return s.frames.Write(p) }

// emit sends frame to the agent at once.
func (s *serverStream) emit(frame []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return io.ErrClosedPipe
	}
	if _, err := s.w.Write(frame); err != nil {
		return err
	}
	return s.rc.Flush()
}

// Close ends the stream; no write reaches w after it returns, so that the handler may.
// A write waiting for an agent that stopped reading fails at once, and so does a read
// waiting for the agent: on HTTP/1.1 closing the body would otherwise wait for the read, and
// then try to read the rest of a body that never ends.
func (s *serverStream) Close() error {
	s.once.Do(func() {
		now := time.Now()
		_ = s.rc.SetWriteDeadline(now)
		_ = s.rc.SetReadDeadline(now)
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		_ = s.body.Close()
	})
	return nil
}
