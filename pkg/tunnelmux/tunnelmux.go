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

// Package tunnelmux carries the cluster connect tunnel: the agent opens a websocket to the
// hub, and github.com/hashicorp/yamux runs over it, with the hub opening a stream per
// connection to the agent's forwarder. Each stream is a full-duplex net.Conn, so HTTP/1.1
// with its upgrades (exec, attach, port-forward) passes through unchanged, and each has its
// own flow control, so a slow watch never holds up another request.
package tunnelmux

import (
	"encoding/binary"
	"io"
	"log"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hashicorp/yamux"
)

// streamWindow bounds what one stream may have in flight. yamux's default, 256 KiB, holds a
// large LIST to a quarter of what the links carry; 4 MiB keeps them busy
// (docs/benchmarks.md) while bounding the memory a slow reader can hold.
const streamWindow = 4 << 20

// Config returns the yamux configuration of both ends; logf receives yamux's own messages.
func Config(logf func(msg string)) *yamux.Config {
	c := yamux.DefaultConfig()
	c.MaxStreamWindowSize = streamWindow
	c.KeepAliveInterval = 30 * time.Second
	c.LogOutput = nil
	c.Logger = log.New(logWriter(logf), "", 0)
	return c
}

type logWriter func(string)

func (w logWriter) Write(p []byte) (int, error) {
	w(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Hub starts the hub's end of the tunnel on ws: the end that opens streams.
func Hub(ws *websocket.Conn, logf func(string)) (*yamux.Session, error) {
	return yamux.Client(Stream(ws), Config(logf))
}

// Agent starts the agent's end of the tunnel on ws: the end that accepts streams.
func Agent(ws *websocket.Conn, logf func(string)) (*yamux.Session, error) {
	return yamux.Server(Stream(ws), Config(logf))
}

// Stream turns ws into a byte stream: Read reads across messages, and each Write is one
// binary message, except that a yamux data frame's header waits for the frame's body, so
// that the two go as one message (one TLS record and system call fewer per frame). yamux
// has one reader and one writer at a time, which is what ws allows.
func Stream(ws *websocket.Conn) io.ReadWriteCloser { return &stream{ws: ws} }

type stream struct {
	ws      *websocket.Conn
	message io.Reader
	header  []byte // a data frame's header, waiting for its body
}

func (s *stream) Read(p []byte) (int, error) {
	for {
		if s.message == nil {
			kind, r, err := s.ws.NextReader()
			if err != nil {
				return 0, err
			}
			if kind != websocket.BinaryMessage {
				continue
			}
			s.message = r
		}
		n, err := s.message.Read(p)
		if err == io.EOF {
			s.message = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

func (s *stream) Write(p []byte) (int, error) {
	if s.header == nil && announcesBody(p) {
		s.header = append(make([]byte, 0, len(p)), p...)
		return len(p), nil
	}
	w, err := s.ws.NextWriter(websocket.BinaryMessage)
	if err != nil {
		return 0, err
	}
	if s.header != nil {
		_, _ = w.Write(s.header)
		s.header = nil
	}
	if _, err := w.Write(p); err != nil {
		return 0, err
	}
	return len(p), w.Close()
}

func (s *stream) Close() error { return s.ws.Close() }

// yamux frames (its spec.md): a 12-byte header of version, type, flags, stream ID and
// length; a data frame's body of length bytes follows its header, written separately.
const (
	headerSize = 12
	typeData   = 0
)

// announcesBody reports whether p is the header of a data frame with a body.
func announcesBody(p []byte) bool {
	return len(p) == headerSize && p[1] == typeData && binary.BigEndian.Uint32(p[8:]) > 0
}
