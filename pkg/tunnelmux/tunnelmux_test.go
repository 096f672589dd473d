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

package tunnelmux_test

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/kubearc/kubearc/pkg/tunnelmux"
)

// websocketPair returns the two ends of a real websocket over loopback: the client's (the
// agent's) and the server's (the hub's).
func websocketPair(t *testing.T) (client, server *websocket.Conn) {
	t.Helper()
	accepted := make(chan *websocket.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		accepted <- ws
	}))
	t.Cleanup(srv.Close)
	client, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if resp != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	t.Cleanup(func() { _ = client.Close(); _ = server.Close() })
	return client, server
}

// TestStreamsCarryEveryByte: streams the hub opens reach the agent, concurrently and both
// ways, with sizes around yamux's frame header, TLS records and the stream window, over the
// tunnel's HTTP/2 request and over an older agent's websocket.
func TestStreamsCarryEveryByte(t *testing.T) {
	for name, pair := range map[string]func(*testing.T) (agent, hub io.ReadWriteCloser){"http1": http1Pair, "http2": http2Pair, "websocket": websocketStreams} {
		t.Run(name, func(t *testing.T) {
			agentConn, hubConn := pair(t)
			hub, err := tunnelmux.Hub(hubConn, func(string) {})
			if err != nil {
				t.Fatal(err)
			}
			agent, err := tunnelmux.Agent(agentConn, func(string) {})
			if err != nil {
				t.Fatal(err)
			}
			go echo(agent)

			sizes := []int{1, 12, 4095, 16 << 10, 1<<20 + 7, 9 << 20}
			var wg sync.WaitGroup
			for _, size := range sizes {
				wg.Go(func() {
					if err := roundTrip(hub, size); err != nil {
						t.Errorf("%d bytes: %v", size, err)
					}
				})
			}
			wg.Wait()
		})
	}
}

// websocketStreams is websocketPair's two ends as byte streams.
func websocketStreams(t *testing.T) (agent, hub io.ReadWriteCloser) {
	client, server := websocketPair(t)
	return tunnelmux.Websocket(client), tunnelmux.Websocket(server)
}

// echo answers every stream with what it receives.
func echo(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() { _, _ = io.Copy(c, c); _ = c.Close() }()
	}
}

// roundTrip sends size random bytes on a new stream and checks the echo.
func roundTrip(hub interface{ Open() (net.Conn, error) }, size int) error {
	c, err := hub.Open()
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	sent := make([]byte, size)
	_, _ = rand.Read(sent)
	go func() { _, _ = c.Write(sent) }()
	got := make([]byte, size)
	if _, err := io.ReadFull(c, got); err != nil {
		return err
	}
	if !bytes.Equal(sent, got) {
		return fmt.Errorf("the echo differs from what was sent")
	}
	return nil
}

// TestADataFrameTravelsInOneMessage: yamux writes a frame's header and body separately; a
// data frame goes as one websocket message, and a frame without a body as its own.
func TestADataFrameTravelsInOneMessage(t *testing.T) {
	agentWS, hubWS := websocketPair(t)
	s := tunnelmux.Websocket(agentWS)
	dataHeader := header(0, 3)   // data frame of 3 bytes
	windowUpdate := header(1, 5) // window update: no body follows
	for _, p := range [][]byte{dataHeader, []byte("abc"), windowUpdate} {
		if _, err := s.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range [][]byte{append(dataHeader, "abc"...), windowUpdate} {
		_, got, err := hubWS.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("message %q, want %q", got, want)
		}
	}
}

// header is a yamux frame header (version 0, no flags, stream 1) of type kind and length n.
func header(kind byte, n uint32) []byte {
	h := make([]byte, 12)
	h[1] = kind
	binary.BigEndian.PutUint32(h[4:], 1)
	binary.BigEndian.PutUint32(h[8:], n)
	return h
}
