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
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/portal"
	"github.com/kubearc/kubearc/hub/tunnel"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// boundSlowClients is the hub's outermost handler. It gives every request with a body
// bodyTimeout to deliver it (http.Server's ReadTimeout would also cut the long-lived watch,
// tunnel and proxied streams), and asks a connection that has not authenticated to close
// after its response, so that it gives its admission slot back at once. Requests to the
// cluster connect proxy have no body deadline: they are relayed only once their token is
// accepted (the proxy reads no body before), and a user's slow upload to a cluster
// (kubectl apply, cp) is legitimate. Nor has an agent's tunnel, whose body lasts as long as
// the tunnel. The portal's browser connections stay open (isPortal).
func boundSlowClients(bodyTimeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ac := admittedConnFrom(r.Context()); ac != nil && !ac.authenticated() && !isPortal(r) {
			w.Header().Set("Connection", "close") // HTTP/2: the server sends GOAWAY
		}
		if !isStreamed(r) {
			limitBodyTime(w, r, bodyTimeout)
		}
		next.ServeHTTP(w, r)
	})
}

// isPortal reports whether r is for the portal, whose browser signs in with a session cookie
// rather than a token: closing its connection after the sign-in page made the browser's next
// request (the sign-in POST) fail now and then with ERR_CONNECTION_CLOSED.
func isPortal(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, portal.Prefix)
}

// isStreamed reports whether r's body is a stream: an agent's tunnel, or a request for the
// cluster connect proxy, from a user or relayed by another replica, whose upload streams as
// long as the user's does.
func isStreamed(r *http.Request) bool {
	return r.URL.Path == protocol.PathTunnel ||
		strings.HasPrefix(r.URL.Path, tunnel.ProxyPrefix+"/") || strings.HasPrefix(r.URL.Path, tunnel.PeerProxyPrefix+"/")
}

// limitBodyTime sets a read deadline for the request's body and clears it once the body is
// read: after that the HTTP/1.1 server reads ahead to notice a closed connection, and a
// deadline then would cancel a slow handler's context. A request without a body (watch
// streams, upgrades) gets none. A handler that does not read the body leaves the deadline
// in place for the server's discarding of what is left.
func limitBodyTime(w http.ResponseWriter, r *http.Request, timeout time.Duration) {
	if timeout <= 0 || r.Body == nil || r.Body == http.NoBody {
		return
	}
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return // the writer cannot set deadlines (tests with a recorder)
	}
	r.Body = &deadlineBody{ReadCloser: r.Body, done: func() { _ = rc.SetReadDeadline(time.Time{}) }}
}

// deadlineBody calls done once when its body has been read to the end.
type deadlineBody struct {
	io.ReadCloser
	done func()
	once sync.Once
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.done)
	}
	return n, err
}

// authenticated marks the request's connection authenticated; it wraps handlers that only
// authenticated requests reach (behind the bearer token middleware).
func authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ac := admittedConnFrom(r.Context()); ac != nil {
			ac.authenticate()
		}
		w.Header().Del("Connection")
		next.ServeHTTP(w, r)
	})
}
