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

package agentclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlite"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const profileKey = protocol.KindAgentProfile + "/default"

type snapshot = map[string]protocol.DesiredObject

// mirrorRecorder runs a Mirror and records what it reports.
type mirrorRecorder struct {
	t         *testing.T
	snapshots chan snapshot
	errs      chan error
}

func startMirror(t *testing.T, c *agentclient.Client) *mirrorRecorder {
	t.Helper()
	r := &mirrorRecorder{t: t, snapshots: make(chan snapshot, 100), errs: make(chan error, 1000)}
	m := &agentclient.Mirror{
		Client:   c,
		OnChange: func(s snapshot) { r.snapshots <- s },
		OnError: func(err error) {
			select {
			case r.errs <- err:
			default:
			}
		},
		Backoff: wait.Backoff{Duration: 20 * time.Millisecond, Factor: 2, Jitter: 0.5, Steps: 5, Cap: 500 * time.Millisecond},
		Log:     testr.New(t),
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Mirror.Run: %v", err)
		}
	})
	return r
}

// waitFor returns the first snapshot that satisfies ok.
func (r *mirrorRecorder) waitFor(what string, ok func(snapshot) bool) snapshot {
	r.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case s := <-r.snapshots:
			if ok(s) {
				return s
			}
		case <-deadline:
			r.t.Fatalf("the Mirror never reported %s", what)
		}
	}
}

func (r *mirrorRecorder) waitForVersion(version string) {
	r.t.Helper()
	r.waitFor("desiredAgentVersion "+version, func(s snapshot) bool { return profile(r.t, s).DesiredAgentVersion == version })
}

// reported returns the errors reported to OnError so far.
func (r *mirrorRecorder) reported() []error {
	var errs []error
	for {
		select {
		case err := <-r.errs:
			errs = append(errs, err)
		default:
			return errs
		}
	}
}

func profile(t *testing.T, s snapshot) protocol.AgentProfile {
	t.Helper()
	var p protocol.AgentProfile
	if obj, ok := s[profileKey]; ok {
		if err := json.Unmarshal(obj.Spec, &p); err != nil {
			t.Fatalf("agent profile spec: %v", err)
		}
	}
	return p
}

func hasProfile(s snapshot) bool { _, ok := s[profileKey]; return ok }

func TestMirrorFollowsTheHub(t *testing.T) {
	th := newTestHub(t)
	r := startMirror(t, th.agent())

	first := r.waitFor("the initial desired state", hasProfile)
	if len(first) != 1 || profile(t, first).AgentAutoUpgrade != "Enabled" {
		t.Errorf("initial snapshot = %v", first)
	}
	th.setAgentVersion("c1", "1.5.0")
	r.waitForVersion("1.5.0")

	// Bookmarks arrive every 100ms; they move the version but are not changes.
	select {
	case s := <-r.snapshots:
		t.Errorf("a snapshot without a change: %v", s)
	case <-time.After(500 * time.Millisecond):
	}
}

func TestMirrorRecoversAfterAHubRestart(t *testing.T) {
	th := newTestHub(t)
	r := startMirror(t, th.agent())
	r.waitFor("the initial desired state", hasProfile)

	th2 := th.restart()
	th2.setAgentVersion("c1", "2.0.0")
	r.waitFor("desiredAgentVersion 2.0.0", func(s snapshot) bool {
		if !hasProfile(s) {
			t.Errorf("the Mirror dropped the agent profile around the restart: %v", s)
		}
		return profile(t, s).DesiredAgentVersion == "2.0.0"
	})
	if len(r.reported()) == 0 {
		t.Error("the broken watch stream was not reported to OnError")
	}
}

func TestMirrorResyncsWhenTheHubForgotItsVersion(t *testing.T) {
	th := newTestHub(t)
	c := th.agent()
	th.createCluster("c2")
	ctx := context.Background()
	old, err := c.DesiredState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := startMirror(t, c)
	r.waitFor("the initial desired state", hasProfile)

	// While the hub is down, another cluster's deletion is compacted away: every version
	// before it is forgotten, as after --watch-history.
	th.stop()
	compactAfterDeleting(t, th.DataDir, clusterID("c2"))
	th2 := th.restart()

	err = c.Watch(ctx, old.ResourceVersion, func(protocol.WatchEvent) error { return errors.New("unexpected event") })
	if !errors.Is(err, agentclient.ErrGone) || statusOf(err) != http.StatusGone {
		t.Fatalf("watch from a forgotten version: %v, want ErrGone", err)
	}
	th2.setAgentVersion("c1", "3.0.0")
	r.waitForVersion("3.0.0")
	gone := false
	for _, err := range r.reported() {
		gone = gone || errors.Is(err, agentclient.ErrGone)
	}
	if !gone {
		t.Error("the Mirror resumed without being told its version was gone; the test proves nothing")
	}
}

// compactAfterDeleting deletes a resource in the stopped hub's store and compacts the
// deletion away.
func compactAfterDeleting(t *testing.T, dataDir, id string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dataDir, "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	if err := st.DeleteResource(ctx, id, store.IfPresent()); err != nil {
		t.Fatal(err)
	}
	if err := st.CompactDesired(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}
