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

package ociimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// entry is one directory or regular file of a layer. Owner and group are the same id.
type entry struct {
	// name is the path without a leading slash; a directory's ends in "/".
	name string
	mode int64
	uid  int
	// data is a small file's content; from, a file on disk to copy instead (the binary).
	data []byte
	from string
}

// dir is a directory entry.
func dir(name string, mode int64, uid int) entry {
	return entry{name: name + "/", mode: mode, uid: uid}
}

// file is a root-owned, world-readable file entry.
func file(name string, data []byte) entry {
	return entry{name: name, mode: 0o644, data: data}
}

// newLayer is a layer of entries, every one stamped with modTime so that the same inputs
// give the same digest. The tar is written on each read; the compressed bytes are cached,
// since the digest, the layout and a push each read them.
func newLayer(entries []entry, modTime time.Time, mt types.MediaType) (v1.Layer, error) {
	open := func() (io.ReadCloser, error) {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(writeTar(pw, entries, modTime)) }()
		return pr, nil
	}
	l, err := tarball.LayerFromOpener(open, tarball.WithMediaType(mt), tarball.WithCompressedCaching)
	if err != nil {
		return nil, fmt.Errorf("making a layer: %w", err)
	}
	return l, nil
}

func writeTar(w io.Writer, entries []entry, modTime time.Time) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		if err := writeEntry(tw, e, modTime); err != nil {
			return err
		}
	}
	return tw.Close()
}

func writeEntry(tw *tar.Writer, e entry, modTime time.Time) error {
	h := &tar.Header{
		Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.uid,
		ModTime: modTime.UTC().Truncate(time.Second), Format: tar.FormatPAX,
	}
	var content io.Reader
	switch {
	case e.name[len(e.name)-1] == '/':
		h.Typeflag = tar.TypeDir
	case e.from != "":
		f, err := os.Open(e.from)
		if err != nil {
			return err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return err
		}
		h.Typeflag, h.Size, content = tar.TypeReg, info.Size(), f
	default:
		h.Typeflag, h.Size, content = tar.TypeReg, int64(len(e.data)), bytes.NewReader(e.data)
	}
	if err := tw.WriteHeader(h); err != nil {
		return fmt.Errorf("adding %s to a layer: %w", e.name, err)
	}
	if content == nil {
		return nil
	}
	if _, err := io.Copy(tw, content); err != nil {
		return fmt.Errorf("adding %s to a layer: %w", e.name, err)
	}
	return nil
}
