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

package protocol

// Cluster connect: the agent keeps a request open to PathTunnel (authenticated with its
// client certificate) whose two bodies carry a yamux session (pkg/tunnelmux); the hub opens
// a stream through it per connection, and each stream reaches the agent's forwarder, which
// passes Kubernetes API requests to the cluster. The hub cannot reach anything else through it.
const (
	// PathTunnel is where the agent opens the cluster connect tunnel: a POST with
	// TunnelContentType whose request and answer bodies stay open, or, from agents before
	// it, a websocket with TunnelSubprotocol.
	PathTunnel = "/agent/v1/connect"
	// TunnelContentType is the Content-Type of the tunnel's POST and of the hub's answer:
	// the bodies are a yamux byte stream.
	TunnelContentType = "application/vnd.kubearc.yamux.v1"
	// TunnelSubprotocol is the websocket subprotocol of the tunnel: yamux in binary messages.
	TunnelSubprotocol = "yamux.v1.kubearc.io"
	// HeaderRemoteUser carries the user the hub authenticated; the agent impersonates it.
	// The hub removes any client-sent copy before it sets its own.
	HeaderRemoteUser = "X-Kubearc-Remote-User"
	// HeaderRemoteGroup carries the authenticated user's groups, one value per group.
	HeaderRemoteGroup = "X-Kubearc-Remote-Group"
	// HeaderClusterToken carries a Kubernetes bearer token (e.g. a service account token,
	// arcctl connectedk8s proxy --token) from the user to the cluster. The hub's own
	// Authorization header authenticates the user at the hub and never reaches the cluster;
	// with this header the agent forwards "Authorization: Bearer <token>" unchanged instead
	// of impersonating.
	HeaderClusterToken = "X-Kubearc-Cluster-Token"
)
