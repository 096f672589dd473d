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
	"io"

	"github.com/gorilla/websocket"
)

// Websocket turns ws into a byte stream, for agents that open their tunnel as a websocket
// (protocol.TunnelSubprotocol): Read reads across messages, and each frame yamux writes is
// one binary message. A message may hold any part of the stream.
func Websocket(ws *websocket.Conn) io.ReadWriteCloser {
	s := &wsStream{ws: ws}
	s.frames.emit = func(frame []byte) error { return ws.WriteMessage(websocket.BinaryMessage, frame) }
	return s
}

type wsStream struct {
	ws      *websocket.Conn
	message io.Reader
	frames  frameWriter
}

func (s *wsStream) Read(p []byte) (int, error) {
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

func (s *wsStream) Write(p []byte) (int, error) { return s.frames.Write(p) }

func (s *wsStream) Close() error { return s.ws.Close() }
