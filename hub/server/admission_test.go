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

package server

import (
	"net"
	"testing"
)

// pipeListener accepts the server ends of in-memory connections; the test keeps the client
// ends to see which the listener closed.
type pipeListener struct {
	net.Listener
	clients []net.Conn
}

func (l *pipeListener) Accept() (net.Conn, error) {
	server, client := net.Pipe()
	l.clients = append(l.clients, client)
	return server, nil
}

// closed reports whether the server end of the i-th connection was closed.
func (l *pipeListener) closed(i int) bool {
	_, err := l.clients[i].Write([]byte{0})
	return err != nil
}

func TestAdmissionClosesTheOldestUnauthenticatedConnection(t *testing.T) {
	pipes := &pipeListener{}
	adm := newAdmission(2)
	ln := adm.listener(pipes)
	accept := func() *admittedConn {
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		go func() { // let the client's writes through
			for {
				if _, err := c.Read(make([]byte, 1)); err != nil {
					return
				}
			}
		}()
		return c.(*admittedConn)
	}
	first, second := accept(), accept()
	second.authenticate() // an authenticated connection no longer counts
	third := accept()
	accept() // over the cap: the oldest unauthenticated, first, goes
	if !pipes.closed(0) || pipes.closed(1) || pipes.closed(2) || pipes.closed(3) {
		t.Fatalf("closed: %v %v %v %v, want only the first", pipes.closed(0), pipes.closed(1), pipes.closed(2), pipes.closed(3))
	}
	_ = third.Close() // a closed connection frees its place
	accept()
	if pipes.closed(3) {
		t.Error("a connection was closed although a place was free")
	}
	if n, evicted := adm.counts(); n != 2 || evicted != 1 {
		t.Errorf("counts = %d unauthenticated, %d closed; want 2 and 1", n, evicted)
	}
	_ = first.Close()
}
