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
	"encoding/binary"
	"sync"
)

// yamux frames (its spec.md): a 12-byte header of version, type, flags, stream ID and
// length; a data frame's body of length bytes follows its header, written separately.
const (
	headerSize = 12
	typeData   = 0
)

// frameWriter hands each yamux frame to emit whole. yamux writes a data frame's header and
// body in two calls; the header waits here for its body, so that the two go out in one
// write: one websocket message, or one HTTP/2 DATA frame when they fit the peer's frame size
// (one TLS record and system call fewer per frame).
// yamux has one writer at a time.
type frameWriter struct {
	emit   func(frame []byte) error
	header [headerSize]byte
	held   bool // header holds a data frame's header
}

func (f *frameWriter) Write(p []byte) (int, error) {
	switch {
	case !f.held && announcesBody(p):
		copy(f.header[:], p)
		f.held = true
		return len(p), nil
	case !f.held:
		return len(p), f.emit(p)
	}
	f.held = false
	buf := framePool.Get().(*[]byte)
	frame := append(append((*buf)[:0], f.header[:]...), p...)
	err := f.emit(frame)
	if cap(frame) <= maxPooledFrame {
		*buf = frame[:0]
		framePool.Put(buf)
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// maxPooledFrame is the largest frame buffer kept for reuse: most data frames carry at most
// an HTTP server's 32 KiB write; a larger one, up to the stream window, is garbage after use.
const maxPooledFrame = 64 << 10

// framePool holds the buffers a data frame's header and body are joined in. emit is done with
// the frame when it returns: websocket and HTTP/2 writers copy it, and a pipe's reader has.
var framePool = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// announcesBody reports whether p is the header of a data frame with a body.
func announcesBody(p []byte) bool {
	return len(p) == headerSize && p[1] == typeData && binary.BigEndian.Uint32(p[8:]) > 0
}
