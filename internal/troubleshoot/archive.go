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

package troubleshoot

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kubearc/kubearc/internal/agentlog"
)

// SummaryFile is the first file of the archive: what was collected, refused and failed.
const SummaryFile = "summary.txt"

// WriteFile writes the bundle as a gzip-compressed tar archive at path, readable only by its
// owner: it describes the cluster even with secrets redacted. The archive is written to a new
// file beside path and renamed over it, so that a file already there (with its mode) or a
// symbolic link (to anywhere) is replaced, never written through.
func (b *Bundle) WriteFile(path string, now time.Time) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	if err := b.write(f, now); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func (b *Bundle) write(w io.Writer, now time.Time) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	summary := file{name: SummaryFile, data: []byte(agentlog.RedactText(b.summary()))}
	for _, f := range append([]file{summary}, b.files...) {
		hdr := &tar.Header{Name: f.name, Mode: 0o600, Size: int64(len(f.data)), ModTime: now, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	return errors.Join(tw.Close(), gz.Close())
}

// summary lists the notes, then the steps by outcome, then the files.
func (b *Bundle) summary() string {
	var s strings.Builder
	for _, n := range b.notes {
		s.WriteString(n + "\n")
	}
	headings := map[outcome]string{
		collected: "Collected",
		refused:   "Refused (the cluster's RBAC or the hub's roles do not let you read them)",
		failed:    "Failed",
	}
	for _, o := range []outcome{collected, refused, failed} {
		fmt.Fprintf(&s, "\n%s:\n", headings[o])
		for _, st := range b.steps {
			if st.outcome != o {
				continue
			}
			s.WriteString("  - " + st.what)
			if st.detail != "" {
				s.WriteString(": " + oneLine(st.detail))
			}
			s.WriteString("\n")
		}
	}
	s.WriteString(b.checksSummary())
	s.WriteString("\nFiles:\n")
	for _, f := range b.files {
		s.WriteString("  " + f.name + "\n")
	}
	return s.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
