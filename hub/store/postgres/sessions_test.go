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

package postgres

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/internal/pgtest"
)

// Sign-ins at once through two replicas with connections enough to run many together (a
// busy hub): every one succeeds, none loses its races to the others (each reads every
// session for the cap of all); the caps hold.
func TestPortalSignInsDoNotAbortEachOther(t *testing.T) {
	dsn := withParam(pgtest.Database(t), "pool_max_conns=32")
	replicas := []*Store{openTest(t, dsn), openTest(t, dsn)}
	for _, s := range replicas {
		t.Cleanup(func() { _ = s.Close() })
	}
	at := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	caps := store.PortalSessionCaps{Max: 20, PerToken: 3}
	const signIns, tokens = 400, 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []error
	for i := range signIns {
		wg.Go(func() {
			id, token := sha256.Sum256(fmt.Append(nil, "s", i)), sha256.Sum256(fmt.Append(nil, "t", i%tokens))
			ps := &store.PortalSession{IDHash: id[:], TokenHash: token[:], SealedToken: "sealed", CSRF: "csrf",
				CreatedAt: at.Add(time.Duration(i) * time.Second), LastSeen: at.Add(time.Duration(i) * time.Second)}
			if err := replicas[i%2].CreatePortalSession(t.Context(), ps, caps); err != nil {
				mu.Lock()
				failed = append(failed, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Errorf("%d of %d sign-ins at once failed, first: %v", len(failed), signIns, failed[0])
	}
	var held int
	if err := replicas[0].pool.QueryRow(t.Context(), "SELECT count(*) FROM portal_sessions").Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held != caps.Max {
		t.Errorf("%d sessions after %d sign-ins at once, want the cap of all, %d", held, signIns, caps.Max)
	}
}

// withParam adds a key=value parameter to the query of the URL dsn.
func withParam(dsn, param string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + param
	}
	return dsn + "?" + param
}
