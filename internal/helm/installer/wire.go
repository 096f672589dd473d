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

package installer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Operations of a request.
const (
	opApply     = "apply"
	opCurrent   = "current"
	opUninstall = "uninstall"
)

// Error classes of a response; they map one to one to the error types of Installer.
const (
	classSettings = "settings"
	classChart    = "chart"
	classInstall  = "install"
	classUpgrade  = "upgrade"
	classOther    = "other"
)

// maxMessage bounds a request or a response: values and messages, never charts.
const maxMessage = 16 << 20

// request is what the agent writes on the installer's stdin: one operation.
type request struct {
	Op string `json:"op"`
	// Apply is the release as it should be (op apply).
	Apply *Request `json:"apply,omitempty"`
	// Name and Namespace name the release (ops current and uninstall).
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
}

// response is what the installer writes on its stdout.
type response struct {
	Release *Release `json:"release,omitempty"`
	// Changed is Apply's changed; for uninstall, whether there was a release.
	Changed bool       `json:"changed,omitempty"`
	Error   *wireError `json:"error,omitempty"`
}

// wireError is an error with its class, from which the agent rebuilds the typed error.
type wireError struct {
	Class string `json:"class"`
	// Message is the error's message; for install and upgrade errors, that of the failure
	// inside (InstallError.Err, UpgradeError.Err).
	Message       string   `json:"message"`
	RolledBackTo  *Release `json:"rolledBackTo,omitempty"`
	RollbackError string   `json:"rollbackError,omitempty"`
}

// Serve reads one request from in, runs it with h and writes the response to out. Failures
// of the request itself are in the response; Serve returns an error only when it cannot
// read the request or write the response.
func Serve(ctx context.Context, in io.Reader, out io.Writer, h Installer) error {
	var req request
	dec := json.NewDecoder(io.LimitReader(in, maxMessage))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return fmt.Errorf("reading the request on stdin: %w", err)
	}
	if err := json.NewEncoder(out).Encode(handle(ctx, h, req)); err != nil {
		return fmt.Errorf("writing the response on stdout: %w", err)
	}
	return nil
}

func handle(ctx context.Context, h Installer, req request) response {
	var resp response
	var err error
	switch {
	case req.Op == opApply && req.Apply != nil:
		resp.Release, resp.Changed, err = h.Apply(ctx, *req.Apply)
	case req.Op == opCurrent:
		resp.Release, err = h.Current(ctx, req.Name, req.Namespace)
	case req.Op == opUninstall:
		resp.Changed, err = h.Uninstall(ctx, req.Name, req.Namespace)
	default:
		err = fmt.Errorf("unknown request %q: the agent and the installer are of different versions", req.Op)
	}
	resp.Error = encodeError(err)
	return resp
}

func encodeError(err error) *wireError {
	var (
		settingsErr *SettingsError
		chartErr    *ChartError
		installErr  *InstallError
		upgradeErr  *UpgradeError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &settingsErr):
		return &wireError{Class: classSettings, Message: settingsErr.Message}
	case errors.As(err, &chartErr):
		return &wireError{Class: classChart, Message: chartErr.Err.Error()}
	case errors.As(err, &installErr):
		return &wireError{Class: classInstall, Message: installErr.Err.Error()}
	case errors.As(err, &upgradeErr):
		w := &wireError{Class: classUpgrade, Message: upgradeErr.Err.Error(), RolledBackTo: upgradeErr.RolledBackTo}
		if upgradeErr.RollbackErr != nil {
			w.RollbackError = upgradeErr.RollbackErr.Error()
		}
		return w
	default:
		return &wireError{Class: classOther, Message: err.Error()}
	}
}

// decodeError rebuilds the typed error the installer's Installer returned.
func decodeError(w *wireError) error {
	if w == nil {
		return nil
	}
	inner := errors.New(w.Message)
	switch w.Class {
	case classSettings:
		return &SettingsError{Message: w.Message}
	case classChart:
		return &ChartError{Err: inner}
	case classInstall:
		return &InstallError{Err: inner}
	case classUpgrade:
		e := &UpgradeError{Err: inner, RolledBackTo: w.RolledBackTo}
		if w.RollbackError != "" {
			e.RollbackErr = errors.New(w.RollbackError)
		}
		return e
	default:
		return inner
	}
}

// Redact removes protected values from a message meant for status, events or logs. Values
// shorter than three characters are left: they cannot be told apart from ordinary text.
func Redact(msg string, protected map[string]string) string {
	for _, v := range protected {
		if len(v) >= 3 {
			msg = strings.ReplaceAll(msg, v, "[redacted]")
		}
	}
	return msg
}
