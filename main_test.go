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

package main

import (
	"strings"
	"testing"
)

func TestValidateLogBuffer(t *testing.T) {
	for _, tc := range []struct {
		lines, bytes int
		wantErr      string
	}{
		{10_000, 4 << 20, ""},
		{1, minLogBufferBytes, ""},
		{0, 4 << 20, "--log-buffer-lines 0"},
		{-5, 4 << 20, "--log-buffer-lines -5"},
		{10_000, 0, "--log-buffer-bytes 0"},
		{10_000, minLogBufferBytes - 1, "--log-buffer-bytes"},
	} {
		err := validateLogBuffer(tc.lines, tc.bytes)
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("validateLogBuffer(%d, %d) = %v, want an error holding %q", tc.lines, tc.bytes, err, tc.wantErr)
		}
	}
}
