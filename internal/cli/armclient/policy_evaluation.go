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

package armclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// PolicyEvaluation is a compliance scan the hub runs (triggerEvaluation): a long-running
// operation, followed through its Azure-AsyncOperation or Location header by azcore's poller,
// as the Azure SDK follows it.
type PolicyEvaluation struct {
	poller *runtime.Poller[struct{}]
}

// TriggerPolicyEvaluation starts a compliance scan of a subscription or resource group.
func (c *Client) TriggerPolicyEvaluation(ctx context.Context, scope string) (*PolicyEvaluation, error) {
	var raw *http.Response
	req, err := c.newRequest(policy.WithCaptureResponse(ctx, &raw), http.MethodPost,
		policyStatesPath(scope, "triggerEvaluation"), apiVersion(PolicyInsightsAPIVersion))
	if err != nil {
		return nil, err
	}
	if _, err := c.do(req, http.StatusOK, http.StatusAccepted); err != nil {
		return nil, err
	}
	if err := c.checkPollingURLs(raw.Header); err != nil {
		return nil, err
	}
	poller, err := runtime.NewPoller(raw, c.pipeline, &runtime.NewPollerOptions[struct{}]{FinalStateVia: runtime.FinalStateViaLocation})
	if err != nil {
		return nil, fmt.Errorf("following the scan the hub started: %w", err)
	}
	return &PolicyEvaluation{poller: poller}, nil
}

// Done reports whether the scan has ended; the hub may end it at once.
func (e *PolicyEvaluation) Done() bool { return e.poller.Done() }

// Wait polls the scan every interval (a second at least) until it ends. A failed scan is a
// *ResponseError with the hub's error.
func (e *PolicyEvaluation) Wait(ctx context.Context, every time.Duration) error {
	_, err := e.poller.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: every})
	return asResponseError(err)
}

// checkPollingURLs refuses an operation whose status URLs point away from the hub: the
// poller sends the bearer token to them.
func (c *Client) checkPollingURLs(h http.Header) error {
	for _, name := range []string{"Azure-AsyncOperation", "Operation-Location", "Location"} {
		raw := h.Get(name)
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil {
			return fmt.Errorf("the hub answered an invalid %s header %q: %w", name, raw, err)
		}
		if u.Scheme != c.endpoint.Scheme || !strings.EqualFold(u.Host, c.endpoint.Host) {
			return fmt.Errorf("the hub answered an %s header for %s://%s, not %s; refusing to send the token there",
				name, u.Scheme, u.Host, c.endpoint.Host)
		}
	}
	return nil
}

// asResponseError turns azcore's *azcore.ResponseError, which the poller returns, into a
// *ResponseError carrying the hub's ARM error, as every other call of the client returns.
func asResponseError(err error) error {
	var azErr *azcore.ResponseError
	if !errors.As(err, &azErr) || azErr.RawResponse == nil {
		return err
	}
	resp := azErr.RawResponse
	body, _ := runtime.Payload(resp)
	method := ""
	if resp.Request != nil {
		method = resp.Request.Method
	}
	return newResponseError(method, resp.Status, resp.StatusCode, body)
}
