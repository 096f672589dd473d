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

package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/kubearc/kubearc/hub/store/storetest"
)

// BenchmarkPutRuntimes writes a heartbeat batch of 1000 clusters, as the hub's write-behind
// does.
func BenchmarkPutRuntimes(b *testing.B) {
	s := openTest(b, filepath.Join(b.TempDir(), "hub.db"))
	b.Cleanup(func() { _ = s.Close() })
	storetest.BenchmarkPutRuntimes(b, s)
}
