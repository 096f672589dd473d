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
	"testing"
)

// TestBufferedPipe: what the server end writes arrives whole and in order at the client end,
// also after the server closed; writes after the client closed fail; the other direction is
// a plain pipe.
func TestBufferedPipe(t *testing.T) {
	client, server := bufferedPipe()
	want := bytes.Repeat([]byte("0123456789abcdef"), responseBufferSize/8) // twice the buffer
	go func() {
		_, _ = server.Write(want)
		_ = server.Close()
	}()
	got, err := io.ReadAll(client)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes (%v), want %d", len(got), err, len(want))
	}

	client, server = bufferedPipe()
	go func() { _, _ = client.Write([]byte("request")) }()
	buf := make([]byte, 7)
	if _, err := io.ReadFull(server, buf); err != nil || string(buf) != "request" {
		t.Fatalf("server read %q, %v", buf, err)
	}
	_ = client.Close()
	if _, err := server.Write([]byte("late")); err == nil {
		t.Fatal("a write after the client closed succeeded")
	}
}
