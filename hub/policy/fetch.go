// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/kubearc/kubearc/hub/nested"
)

// FetchTimeout bounds the fetch of a PublicURL template.
const FetchTimeout = 10 * time.Second

// maxRedirects bounds the redirects a template fetch follows.
const maxRedirects = 3

// Fetcher fetches the ConstraintTemplate a definition's PublicURL names, once, when the
// definition is written: the hub stores it, so that agents never reach anything but the hub.
type Fetcher struct {
	// Client is the HTTP client; nil is one with FetchTimeout that follows few redirects.
	Client *http.Client
}

// Fetch returns the content at rawURL, an http or https URL, bounded by MaxTemplateBytes;
// any failure is an InvalidError naming templateInfo.url.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", nested.Invalid("The property '%s.url' must be an http or https URL, not '%s'.", templateField, rawURL)
	}
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", nested.Invalid("The property '%s.url' is invalid: %v.", templateField, err)
	}
	resp, err := f.client().Do(req)
	if err != nil {
		return "", unreachable(rawURL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return "", nested.Invalid("The property '%s.url' names '%s', which answered %s; the hub fetches a PublicURL template when the definition is written.", templateField, rawURL, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxTemplateBytes+1))
	switch {
	case err != nil:
		return "", unreachable(rawURL, err)
	case len(body) > MaxTemplateBytes:
		return "", nested.Invalid("The property '%s.url' names '%s', which is larger than %d bytes.", templateField, rawURL, MaxTemplateBytes)
	}
	return string(body), nil
}

// unreachable is the error of a fetch that got no answer.
func unreachable(rawURL string, err error) error {
	reason := "it could not be reached"
	if errors.Is(err, context.DeadlineExceeded) {
		reason = fmt.Sprintf("it did not answer within %s", FetchTimeout)
	}
	return nested.Invalid("The property '%s.url' names '%s', but %s from the hub; the hub fetches a PublicURL template when the definition is written, so it must be reachable then (or use sourceType %s).", templateField, rawURL, reason, SourceBase64)
}

func (f *Fetcher) client() *http.Client {
	if f != nil && f.Client != nil {
		return f.Client
	}
	return &http.Client{Timeout: FetchTimeout, CheckRedirect: func(_ *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		return nil
	}}
}
