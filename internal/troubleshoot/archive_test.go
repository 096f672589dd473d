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
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWriteFileReplacesWhatIsThere writes the bundle over a readable file and over a
// symbolic link: each becomes a new regular file of mode 0600, and the link's target is left
// as it was.
func TestWriteFileReplacesWhatIsThere(t *testing.T) {
	dir := t.TempDir()
	readable := filepath.Join(dir, "readable.tar.gz")
	if err := os.WriteFile(readable, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("not yours"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.tar.gz")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{readable, link} {
		b := NewBundle(io.Discard)
		b.AddText("note.txt", "hello")
		if err := b.WriteFile(path, time.Now()); err != nil {
			t.Fatalf("WriteFile(%s): %v", path, err)
		}
		info, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if !info.Mode().IsRegular() || info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want a regular file of mode 0600", path, info.Mode())
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s is not the archive: %v", path, err)
		}
		if hdr, err := tar.NewReader(gz).Next(); err != nil || hdr.Name != SummaryFile {
			t.Errorf("%s: first file %v, %v; want %s", path, hdr, err, SummaryFile)
		}
		_ = f.Close()
	}
	if data, err := os.ReadFile(target); err != nil || string(data) != "not yours" {
		t.Errorf("the link's target holds %q, %v; want it untouched", data, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("the directory holds %d files, want 3 (no temporary file left)", len(entries))
	}
}
