/*
Copyright 2026 The kubearc Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package tunnel

import (
	"bytes"
	"io"
	"net"
	"sync"
)

// responseBufferSize bounds what the forwarder's answers may run ahead of the tunnel.
const responseBufferSize = 1 << 20

// bufferedPipe is net.Pipe with a buffer from the server end to the client end. The HTTP
// server writes its answers in pieces of 4 KiB; the tunnel sends one websocket message per
// read of the client end. With the buffer, the tunnel reads whatever accumulated while it
// sent the previous message, up to its 32 KiB copy buffer, instead of one piece at a time.
func bufferedPipe() (client, server net.Conn) {
	c, s := net.Pipe()
	out := &buffer{max: responseBufferSize}
	out.cond.L = &out.mu
	return &clientEnd{Conn: c, out: out}, &serverEnd{Conn: s, out: out}
}

// serverEnd writes into the buffer and reads from the pipe.
type serverEnd struct {
	net.Conn
	out *buffer
}

func (s *serverEnd) Write(p []byte) (int, error) { return s.out.write(p) }

func (s *serverEnd) Close() error {
	s.out.close()
	return s.Conn.Close()
}

// clientEnd reads from the buffer and writes into the pipe.
type clientEnd struct {
	net.Conn
	out *buffer
}

func (c *clientEnd) Read(p []byte) (int, error) { return c.out.read(p) }

func (c *clientEnd) Close() error {
	c.out.close()
	return c.Conn.Close()
}

// buffer is a bounded in-memory byte queue: writes wait while it is full, reads while it is
// empty; after close, reads drain it and then end with io.EOF and writes fail.
type buffer struct {
	mu     sync.Mutex
	cond   sync.Cond
	buf    bytes.Buffer
	max    int
	closed bool
}

func (b *buffer) write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	written := 0
	for len(p) > 0 {
		for b.buf.Len() >= b.max && !b.closed {
			b.cond.Wait()
		}
		if b.closed {
			return written, io.ErrClosedPipe
		}
		n := min(len(p), b.max-b.buf.Len())
		b.buf.Write(p[:n])
		p, written = p[n:], written+n
		b.cond.Broadcast()
	}
	return written, nil
}

func (b *buffer) read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.buf.Len() == 0 && !b.closed {
		b.cond.Wait()
	}
	if b.buf.Len() == 0 {
		return 0, io.EOF
	}
	n, _ := b.buf.Read(p)
	b.cond.Broadcast()
	return n, nil
}

func (b *buffer) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.cond.Broadcast()
}
