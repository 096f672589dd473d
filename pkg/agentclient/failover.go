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

package agentclient

import (
	"context"
	"errors"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// A client given several hub URLs (Options.HubURLs) uses one of them at a time for all its
// requests, the watch stream and the tunnel alike. It goes through them in an order of its
// cluster's own (failoverOrder): it starts at the one its cluster ID picks, so that agents
// given the same URLs spread over them, and an agent that restarts comes back to the same
// one; after it, the others come in an order shuffled by the cluster ID, so that the agents
// of a replica that dies spread over the survivors instead of all moving to the next URL.
// When a request to the URL in use fails at the connection level (dial, proxy, TLS, a reset
// or a timeout: a replica that is down or unreachable) or the hub answers 502, 503 or 504 (a
// replica that is not ready, or a proxy in front of a dead one), the client moves to the
// next URL in its order, round robin. The failed request is not retried: the caller retries
// with its own backoff, as with a single URL, and its next request goes to the next URL. Any
// other answer, errors included, keeps the URL: the client stays where it is, and does not go
// back to its first URL when that one is back.

// HubURL returns the hub URL the client uses now: at first the one its cluster ID picks
// from Options.HubURL and Options.HubURLs (Options.HubURL when it is the only one), another
// after a failover.
func (c *Client) HubURL() string { return c.hub().String() }

// failoverOrder returns hubs in the order the client of clusterID uses them. The first is
// the one the FNV-1a hash of the ARM ID, lower-cased as ARM compares IDs, picks modulo their
// number; the others follow in an order shuffled with that hash as the seed. A fleet of
// agents given one list of URLs thus spreads over the replicas by cluster, both at the start
// and when one of them fails, instead of all starting, and failing over, together.
func failoverOrder(clusterID string, hubs []*url.URL) []*url.URL {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(clusterID)))
	sum := h.Sum32()
	first := int(uint64(sum) % uint64(len(hubs)))
	rest := slices.Delete(slices.Clone(hubs), first, first+1)
	r := rand.New(rand.NewPCG(uint64(sum), 0)) //nolint:gosec // a spread, not a secret
	r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	return append([]*url.URL{hubs[first]}, rest...)
}

// hub returns the base URL in use.
func (c *Client) hub() *url.URL {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hubs[c.current]
}

// observe moves to the next hub URL when the outcome of a request to hub (resp or err) says
// that hub is unavailable.
func (c *Client) observe(ctx context.Context, hub *url.URL, resp *http.Response, err error) {
	if unavailable(ctx, resp, err) {
		c.failover(hub)
	}
}

// failover moves from hub to the next URL, unless another failed request moved already: the
// requests in flight to a dead replica all fail, and should move the client once.
func (c *Client) failover(hub *url.URL) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hubs[c.current] == hub {
		c.current = (c.current + 1) % len(c.hubs)
	}
}

// unavailable reports whether a request's outcome means its hub URL cannot serve the agent
// now. A request the caller cancelled says nothing about the hub.
func unavailable(ctx context.Context, resp *http.Response, err error) bool {
	if err != nil {
		return !errors.Is(context.Cause(ctx), context.Canceled)
	}
	if resp == nil {
		return false
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
