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

// Package tunnelmux carries the cluster connect tunnel: github.com/hashicorp/yamux runs over a
// byte stream between the agent and the hub, and the hub opens a yamux stream per connection
// to the agent's forwarder. Each yamux stream is a full-duplex net.Conn, so HTTP/1.1 with its
// upgrades (exec, attach, port-forward) passes through unchanged, and each has its own flow
// control, so a slow watch never holds up another request.
//
// The byte stream is an HTTP exchange whose two bodies stay open (http.go): the agent's
// POST to protocol.PathTunnel, on the HTTP/2 connection that already carries its heartbeats
// and watch, so that a tunnel costs the agent and the hub no connection of its own. Agents
// before it opened a websocket instead (websocket.go), which the hub still accepts.
package tunnelmux

import (
	"io"
	"log"
	"strings"
	"time"

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

// Hub starts the hub's end of the tunnel on conn: the end that opens streams.
func Hub(conn io.ReadWriteCloser, logf func(string)) (*yamux.Session, error) {
	return yamux.Client(conn, Config(logf))
}

// Agent starts the agent's end of the tunnel on conn: the end that accepts streams.
func Agent(conn io.ReadWriteCloser, logf func(string)) (*yamux.Session, error) {
	return yamux.Server(conn, Config(logf))
}
