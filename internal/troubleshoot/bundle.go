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

// Package troubleshoot collects a cluster's diagnostics into a redacted archive: what the
// hub knows of the cluster, what its API server shows of kubearc, and why a piece is
// missing (refused by RBAC, or failed).
package troubleshoot

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/kubearc/kubearc/internal/agentlog"
	"github.com/kubearc/kubearc/internal/cli/armclient"
)

// outcome is how one step ended.
type outcome string

const (
	collected outcome = "Collected"
	refused   outcome = "Refused"
	failed    outcome = "Failed"
)

// step is one piece of the bundle and how collecting it ended.
type step struct {
	what    string
	outcome outcome
	detail  string
}

// file is one file of the bundle, already redacted.
type file struct {
	name string
	data []byte
}

// Bundle holds the files collected so far and the outcome of every step. Every file goes
// through redaction on its way in.
type Bundle struct {
	progress io.Writer
	notes    []string
	files    []file
	steps    []step
	// checks are the agent's connectivity checks, once collected.
	checks *connectivityChecks
}

// NewBundle returns an empty bundle that prints one line per step to progress.
func NewBundle(progress io.Writer) *Bundle {
	return &Bundle{progress: progress}
}

// Note adds a line to the top of the summary.
func (b *Bundle) Note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

// Step collects what and records how it ended. A refusal (403, the cluster's RBAC or the
// hub's roles) is recorded as what the caller may not read rather than as a failure.
func (b *Bundle) Step(what string, collect func() error) {
	fmt.Fprintf(b.progress, "Collecting %s\n", what)
	err := collect()
	switch {
	case err == nil:
		b.steps = append(b.steps, step{what: what, outcome: collected})
	case isRefusal(err):
		b.steps = append(b.steps, step{what: what, outcome: refused, detail: err.Error()})
	default:
		b.steps = append(b.steps, step{what: what, outcome: failed, detail: err.Error()})
	}
}

// Fail records what as failed without running anything.
func (b *Bundle) Fail(what string, err error) {
	fmt.Fprintf(b.progress, "Skipping %s\n", what)
	b.steps = append(b.steps, step{what: what, outcome: failed, detail: err.Error()})
}

func isRefusal(err error) bool {
	return apierrors.IsForbidden(err) || armclient.HasStatus(err, http.StatusForbidden)
}

// AddJSON adds v as an indented JSON file, redacted.
func (b *Bundle) AddJSON(name string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", name, err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("decoding %s: %w", name, err)
	}
	out, err := json.MarshalIndent(redactDocument(doc), "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", name, err)
	}
	b.files = append(b.files, file{name: name, data: append(out, '\n')})
	return nil
}

// AddText adds text as a file, redacted.
func (b *Bundle) AddText(name, text string) {
	b.files = append(b.files, file{name: name, data: []byte(agentlog.RedactText(text))})
}

// Failures counts the steps that failed.
func (b *Bundle) Failures() int {
	n := 0
	for _, s := range b.steps {
		if s.outcome == failed {
			n++
		}
	}
	return n
}
