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

package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// recorder keeps an in-process answer of the API.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// Flush lets the API's streams (agent logs) write to a recorder.
func (r *recorder) Flush() {}

// armError is the API's refusal: its status and its ARM error message.
type armError struct {
	Status        int
	Code, Message string
}

func (e *armError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// forbidden reports whether err is the API's 403.
func forbidden(err error) bool {
	var ae *armError
	return errors.As(err, &ae) && ae.Status == http.StatusForbidden
}

// notFound reports whether err is the API's 404.
func notFound(err error) bool {
	var ae *armError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// call sends a request to the management API in process, with ctx's principal, and decodes
// a JSON answer into out (when not nil). path may carry a query; apiVersion is added when
// set.
func (p *Portal) call(ctx context.Context, method, path, apiVersion string, body, out any) error {
	raw, err := p.callRaw(ctx, method, path, apiVersion, body)
	if err != nil || out == nil || len(raw) == 0 {
		return err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decoding %s %s: %w", method, path, err)
	}
	return nil
}

func (p *Portal) callRaw(ctx context.Context, method, path, apiVersion string, body any) ([]byte, error) {
	u, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("portal path %q: %w", path, err)
	}
	if apiVersion != "" {
		q := u.Query()
		q.Set("api-version", apiVersion)
		u.RawQuery = q.Encode()
	}
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	rec := newRecorder()
	p.opts.ARM.ServeHTTP(rec, req)
	if rec.status >= 400 {
		return nil, decodeARMError(rec)
	}
	return rec.body.Bytes(), nil
}

func decodeARMError(rec *recorder) error {
	var env struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	_ = json.Unmarshal(rec.body.Bytes(), &env)
	if env.Error.Message == "" {
		env.Error.Message = http.StatusText(rec.status)
	}
	return &armError{Status: rec.status, Code: env.Error.Code, Message: env.Error.Message}
}
