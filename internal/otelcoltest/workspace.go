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

package otelcoltest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Workspace is a collector standing in for a monitoring workspace: an OTLP/HTTP receiver that
// refuses requests without its bearer token, and a file exporter writing what it accepted.
type Workspace struct {
	// URL is the OTLP/HTTP base URL (the exporters' endpoint).
	URL string
	// File holds what the workspace received, one OTLP JSON request per line.
	File string
}

// workspaceConfig is the stand-in's configuration: address, token file, output file.
const workspaceConfig = `extensions:
  bearertokenauth/clients:
    filename: %q
receivers:
  otlp:
    protocols:
      http:
        endpoint: %q
        auth:
          authenticator: bearertokenauth/clients
exporters:
  file:
    path: %q
    flush_interval: 200ms
service:
  extensions: [bearertokenauth/clients]
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [file]
    metrics:
      receivers: [otlp]
      exporters: [file]
`

// StartWorkspace starts the stand-in workspace accepting token, and waits until it listens.
func StartWorkspace(t testing.TB, token string) *Workspace {
	t.Helper()
	dir := t.TempDir()
	addr := FreeAddr(t)
	w := &Workspace{URL: "http://" + addr, File: filepath.Join(dir, "received.json")}
	tokenFile, config := filepath.Join(dir, "token"), filepath.Join(dir, "workspace.yaml")
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, fmt.Appendf(nil, workspaceConfig, tokenFile, addr, w.File), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Start(t, config)
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := (&net.Dialer{}).DialContext(t.Context(), "tcp", addr)
		if err == nil {
			_ = conn.Close()
			return w
		}
		if time.Now().After(deadline) {
			t.Fatalf("the workspace collector does not listen on %s: %v\n%s", addr, err, tail(c.Log, 2000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Record is one log record or one metric the workspace received, with its resource's
// string attributes.
type Record struct {
	// Resource holds the resource's string attributes (k8s.namespace.name, ...).
	Resource map[string]string
	// Body is a log record's body; empty for a metric.
	Body string
	// Metric is a metric's name; empty for a log record.
	Metric string
}

// Received reads what the workspace has written so far; nothing yet is no error.
func (w *Workspace) Received() ([]Record, error) {
	data, err := os.ReadFile(w.File)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var records []Record
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var req otlpRequest
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return nil, fmt.Errorf("%s: a line is not OTLP JSON: %w", w.File, err)
		}
		records = append(records, req.records()...)
	}
	return records, sc.Err()
}

// otlpRequest is the part of an OTLP JSON logs or metrics request the tests read.
type otlpRequest struct {
	ResourceLogs []struct {
		Resource  otlpResource `json:"resource"`
		ScopeLogs []struct {
			LogRecords []struct {
				Body otlpValue `json:"body"`
			} `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
	ResourceMetrics []struct {
		Resource     otlpResource `json:"resource"`
		ScopeMetrics []struct {
			Metrics []struct {
				Name string `json:"name"`
			} `json:"metrics"`
		} `json:"scopeMetrics"`
	} `json:"resourceMetrics"`
}

type otlpResource struct {
	Attributes []struct {
		Key   string    `json:"key"`
		Value otlpValue `json:"value"`
	} `json:"attributes"`
}

type otlpValue struct {
	StringValue string `json:"stringValue"`
}

func (r otlpResource) strings() map[string]string {
	m := map[string]string{}
	for _, a := range r.Attributes {
		m[a.Key] = a.Value.StringValue
	}
	return m
}

func (req otlpRequest) records() []Record {
	var out []Record
	for _, rl := range req.ResourceLogs {
		res := rl.Resource.strings()
		for _, sl := range rl.ScopeLogs {
			for _, lr := range sl.LogRecords {
				out = append(out, Record{Resource: res, Body: lr.Body.StringValue})
			}
		}
	}
	for _, rm := range req.ResourceMetrics {
		res := rm.Resource.strings()
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				out = append(out, Record{Resource: res, Metric: m.Name})
			}
		}
	}
	return out
}
