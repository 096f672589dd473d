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
	"time"
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
	adm := newAdmission(admissionLimits{total: 2}, time.Now) // no minimum age
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

// fakeConns makes connections of an admission counted by hand, accepted at *now.
func fakeConns(adm *admission, now *time.Time) func(source string) *admittedConn {
	return func(source string) *admittedConn {
		return &admittedConn{admission: adm, source: source, since: *now}
	}
}

func TestAdmissionKeepsYoungConnectionsAndRefusesNewOnes(t *testing.T) {
	now := time.Unix(1000, 0)
	adm := newAdmission(admissionLimits{total: 2, minAge: 3 * time.Second}, func() time.Time { return now })
	conn := fakeConns(adm, &now)
	first := conn("192.0.2.1")
	for _, c := range []*admittedConn{first, conn("192.0.2.2")} {
		if _, ok := adm.admit(c); !ok {
			t.Fatal("a connection under the cap was refused")
		}
	}
	now = now.Add(time.Second)
	if displaced, ok := adm.admit(conn("192.0.2.3")); ok || displaced != nil {
		t.Fatalf("a connection in its handshake was displaced (admitted %v, displaced %v); want the new one refused", ok, displaced != nil)
	}
	now = now.Add(2 * time.Second)
	if displaced, ok := adm.admit(conn("192.0.2.3")); !ok || displaced != first {
		t.Fatalf("admitted %v, displaced the oldest %v; want the oldest displaced once it had its minimum age", ok, displaced == first)
	}
	if n, closed := adm.counts(); n != 2 || closed != 2 {
		t.Errorf("counts = %d unauthenticated, %d closed; want 2 and 2", n, closed)
	}
}

func TestAdmissionCapsTheConnectionsOfOneSource(t *testing.T) {
	now := time.Unix(1000, 0)
	adm := newAdmission(admissionLimits{total: 10, perSource: 2}, func() time.Time { return now })
	conn := fakeConns(adm, &now)
	first := conn("192.0.2.1")
	admitted := func(c *admittedConn) bool { _, ok := adm.admit(c); return ok }
	if !admitted(first) || !admitted(conn("192.0.2.1")) {
		t.Fatal("a source's connections under its cap were refused")
	}
	if admitted(conn("192.0.2.1")) {
		t.Error("a source got more than its cap of connections")
	}
	if !admitted(conn("192.0.2.2")) {
		t.Error("another source was refused for the first one's connections")
	}
	first.authenticate()
	if !admitted(conn("192.0.2.1")) {
		t.Error("a source's authenticated connection still counts against its cap")
	}
}

func TestAdmissionCapsTheConnectionsOfOneCluster(t *testing.T) {
	now := time.Unix(1000, 0)
	adm := newAdmission(admissionLimits{total: 10, perCluster: 1}, func() time.Time { return now })
	conn := fakeConns(adm, &now)
	first, second := conn("192.0.2.1"), conn("192.0.2.1")
	adm.admit(first)
	adm.admit(second)
	first.authenticateAgent("c1")
	second.authenticateAgent("c1")
	if !first.authenticated() || second.authenticated() {
		t.Fatalf("authenticated: %v %v; want only the first of the cluster's connections", first.authenticated(), second.authenticated())
	}
	if n, _ := adm.counts(); n != 1 {
		t.Errorf("%d unauthenticated, want 1: the connection over the cluster's cap", n)
	}
	adm.release(first) // closed
	third := conn("192.0.2.1")
	adm.admit(third)
	if third.authenticateAgent("c1"); !third.authenticated() {
		t.Error("a closed connection still counts against its cluster's cap")
	}
}

func TestSourceOf(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.7:443":              "192.0.2.7",
		"[::ffff:192.0.2.7]:443":     "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:1":   "2001:db8:1:2::/64",
	} {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := sourceOf(tcp); got != want {
			t.Errorf("sourceOf(%s) = %s, want %s", addr, got, want)
		}
	}
}
