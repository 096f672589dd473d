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

// Package armclient is arcctl's client of the kubearc hub's management API. It sends its
// requests through an Azure SDK (azcore) pipeline, so they carry the same retries, request IDs
// and User-Agent as the Azure SDK's, and it turns the hub's ARM error envelope into
// ResponseError.
package armclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/kubearc/kubearc/internal/version"
)

// Options configure a Client.
type Options struct {
	// Endpoint is the hub's base URL, e.g. https://hub.example.com:8443. It must be https.
	Endpoint string
	// Token is the bearer token sent with every request.
	Token string
	// CAPEM is the PEM bundle of the CAs trusted for the hub's certificate; empty means the
	// system roots.
	CAPEM []byte
	// Retry overrides the retry policy. Zero fields keep arcctl's defaults: 3 retries on
	// 408, 429, 500, 502, 503, 504 and connection errors, after 0.3s, 0.9s and 2.1s: shorter
	// than azcore's 0.8s start, since a person is waiting.
	Retry policy.RetryOptions
}

// requestTimeout bounds a whole request and the reading of its answer; streams (a followed
// log) have none, only the transport's dial and TLS handshake timeouts.
const requestTimeout = 2 * time.Minute

// Client calls the hub's management API.
type Client struct {
	endpoint *url.URL
	pipeline runtime.Pipeline
	// streams is pipeline without requestTimeout, for answers read as they come.
	streams runtime.Pipeline
}

// New returns a client of the hub at o.Endpoint.
func New(o Options) (*Client, error) {
	endpoint, err := ParseEndpoint(o.Endpoint)
	if err != nil {
		return nil, err
	}
	transport, err := newTransport(o.CAPEM)
	if err != nil {
		return nil, err
	}
	retry := o.Retry
	if retry.RetryDelay == 0 {
		retry.RetryDelay = 300 * time.Millisecond
	}
	if retry.MaxRetryDelay == 0 {
		retry.MaxRetryDelay = 10 * time.Second
	}
	if retry.ShouldRetry == nil {
		retry.ShouldRetry = newRetryRule(retry.StatusCodes).shouldRetry
	}
	newPipeline := func(hc *http.Client) runtime.Pipeline {
		return runtime.NewPipeline("arcctl", version.Version, runtime.PipelineOptions{
			PerCall:  []policy.Policy{runtime.NewRequestIDPolicy()},
			PerRetry: []policy.Policy{runtime.NewBearerTokenPolicy(staticToken(o.Token), nil, nil)},
		}, &policy.ClientOptions{Transport: hc, Retry: retry})
	}
	return &Client{endpoint: endpoint, pipeline: newPipeline(&http.Client{Transport: transport, Timeout: requestTimeout}),
		streams: newPipeline(&http.Client{Transport: transport})}, nil
}

// ParseEndpoint checks a hub URL and returns it without a trailing slash. A URL without a
// scheme is taken as https.
func ParseEndpoint(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("the hub URL is empty; pass it like https://hub.example.com:8443")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the hub URL %q is not a URL: %w", raw, err)
	}
	switch {
	case u.Scheme != "https":
		return nil, fmt.Errorf("the hub URL %q must start with https:// (tokens are never sent in clear text)", raw)
	case u.Host == "":
		return nil, fmt.Errorf("the hub URL %q has no host", raw)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, fmt.Errorf("the hub URL %q must not have a query, fragment or user", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// newTransport trusts caPEM, or the system roots when it is empty; it keeps net/http's
// dial and TLS handshake timeouts.
func newTransport(caPEM []byte) (*http.Transport, error) {
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(caPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, errors.New("the CA bundle holds no PEM certificate")
		}
		tlsConfig.RootCAs = pool
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig
	return transport, nil
}

// retryRule retries what azcore retries, except certificate failures: retrying cannot make
// an untrusted certificate trusted, it only delays the message saying so.
type retryRule struct {
	statusCodes []int
}

func newRetryRule(statusCodes []int) retryRule {
	if statusCodes == nil {
		statusCodes = []int{http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
			http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}
	}
	return retryRule{statusCodes: statusCodes}
}

// shouldRetry is a policy.RetryOptions.ShouldRetry.
func (r retryRule) shouldRetry(resp *http.Response, err error) bool {
	if err != nil {
		return !IsCertificateError(err)
	}
	return runtime.HasStatusCode(resp, r.statusCodes...)
}

// answer is a successful response, read in full.
type answer struct {
	status int
	body   []byte
}

// decode parses the answer's JSON body into v.
func (a *answer) decode(v any) error {
	return json.Unmarshal(a.body, v)
}

// valueList is the {"value": [...]} document the hub answers a list with.
type valueList[T any] struct {
	Value []T `json:"value"`
}

// decodeAs decodes an answer into a new T; what names the answer in the error.
func decodeAs[T any](resp *answer, what string) (*T, error) {
	v := new(T)
	if err := resp.decode(v); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", what, err)
	}
	return v, nil
}

// receive sends req and decodes the answer, whose status must be one of ok, into a new T;
// what names the answer in a decoding error.
func receive[T any](c *Client, req *policy.Request, what string, ok ...int) (*T, error) {
	resp, err := c.do(req, ok...)
	if err != nil {
		return nil, err
	}
	return decodeAs[T](resp, what)
}

// sendDelete sends a DELETE and reports whether there was something to delete: ARM answers
// 204 for a resource that does not exist, which is success too.
func (c *Client) sendDelete(req *policy.Request) (bool, error) {
	resp, err := c.do(req, http.StatusOK, http.StatusAccepted, http.StatusNoContent)
	if err != nil {
		return false, err
	}
	return resp.status != http.StatusNoContent, nil
}

// do sends a request built by the caller and returns the answer when its status is one of
// ok; any other status is returned as a *ResponseError.
func (c *Client) do(req *policy.Request, ok ...int) (*answer, error) {
	resp, err := send(c.pipeline, req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := readPayload(req, resp)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(resp, ok...) {
		return nil, newResponseError(req.Raw().Method, resp.Status, resp.StatusCode, body)
	}
	return &answer{status: resp.StatusCode, body: body}, nil
}

// stream sends a request and returns the answer with its body unread when its status is one
// of ok; the caller closes the body. The answer has no time limit: ctx ends it.
func (c *Client) stream(req *policy.Request, ok ...int) (*http.Response, error) {
	runtime.SkipBodyDownload(req)
	resp, err := send(c.streams, req)
	if err != nil || runtime.HasStatusCode(resp, ok...) {
		return resp, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := readPayload(req, resp)
	if err != nil {
		return nil, err
	}
	return nil, newResponseError(req.Raw().Method, resp.Status, resp.StatusCode, body)
}

// send sends req through pl, with net/http's errors shortened.
func send(pl runtime.Pipeline, req *policy.Request) (*http.Response, error) {
	resp, err := pl.Do(req)
	if err != nil {
		var urlErr *url.Error // net/http's error repeats method and URL: keep only its cause
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return nil, fmt.Errorf("%s %s: %w", req.Raw().Method, req.Raw().URL.Redacted(), err)
	}
	return resp, nil
}

// readPayload reads the body of the answer to req.
func readPayload(req *policy.Request, resp *http.Response) ([]byte, error) {
	body, err := runtime.Payload(resp)
	if err != nil {
		return nil, fmt.Errorf("reading the answer to %s %s: %w", req.Raw().Method, req.Raw().URL.Redacted(), err)
	}
	return body, nil
}

// apiVersion is the query of a request to a resource provider that speaks version v.
func apiVersion(v string) url.Values {
	return url.Values{"api-version": {v}}
}

// newRequest builds a request for a path below the endpoint with the given query.
// path is already escaped (names go through url.PathEscape), so it is not escaped again.
func (c *Client) newRequest(ctx context.Context, method, path string, query url.Values) (*policy.Request, error) {
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return nil, fmt.Errorf("building request %s %s: %w", method, path, err)
	}
	u := *c.endpoint
	u.Path, u.RawPath = c.endpoint.Path+unescaped, c.endpoint.EscapedPath()+path
	u.RawQuery = query.Encode()
	req, err := runtime.NewRequest(ctx, method, u.String())
	if err != nil {
		return nil, fmt.Errorf("building request %s %s: %w", method, path, err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	return req, nil
}
