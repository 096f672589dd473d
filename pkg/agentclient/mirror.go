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

package agentclient

import (
	"context"
	"errors"
	"maps"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// DefaultMirrorBackoff is the Mirror's reconnect backoff when none is set: 1s doubling to
// 2m, each wait stretched by up to half at random so that many agents do not reconnect to a
// restarted hub in step.
func DefaultMirrorBackoff() wait.Backoff {
	return wait.Backoff{Duration: time.Second, Factor: 2, Jitter: 0.5, Steps: 8, Cap: 2 * time.Minute}
}

// Mirror keeps a copy of the cluster's desired state in sync with the hub: it lists, then
// watches from the list's version; after a broken stream it reconnects with backoff and
// resumes from the last version it saw (bookmarks advance it), and when the hub no longer
// remembers that version (410) it lists again, a full resync. While the hub is unreachable
// the last copy stands: nothing is dropped because the hub is silent.
type Mirror struct {
	// Client talks to the hub; it must hold a certificate (Register or SetCertificate).
	Client *Client
	// OnChange receives the whole desired state, keyed "Kind/Name", after each list and
	// after each change event (not after bookmarks). The map is the callee's; the objects'
	// Spec bytes are shared and must not be modified.
	OnChange func(objects map[string]protocol.DesiredObject)
	// OnError receives every failed list or watch, broken streams included; the Mirror keeps
	// retrying. IsUnauthorized or IsForbidden errors mean the certificate expired or was
	// revoked: register again (the Mirror picks the new certificate up by itself).
	OnError func(error)
	// Backoff spaces the retries (zero: DefaultMirrorBackoff()). It restarts from its first
	// step once a watch delivers an event.
	Backoff wait.Backoff
	// Log receives the Mirror's progress and failures.
	Log logr.Logger
}

// Run mirrors the desired state until ctx ends, then returns nil.
func (m *Mirror) Run(ctx context.Context) error {
	if m.Client == nil {
		return errors.New("hub client: the Mirror needs a Client")
	}
	r := &mirrorRun{m: m, objects: map[string]protocol.DesiredObject{}, backoff: m.Backoff}
	if r.backoff.Duration <= 0 {
		r.backoff = DefaultMirrorBackoff()
	}
	r.next = r.backoff.DelayFunc()
	// The condition never reports done, so Until returns only when ctx ends.
	_ = wait.DelayFunc(r.delay).Until(ctx, true, true, r.session)
	return nil
}

// mirrorRun is the state of one Run; only Run's goroutine touches it.
type mirrorRun struct {
	m       *Mirror
	objects map[string]protocol.DesiredObject
	// rv is where the next watch resumes; empty means list first.
	rv       string
	backoff  wait.Backoff
	next     wait.DelayFunc
	progress bool
}

// session lists when needed and watches until the stream ends. It never stops the loop.
func (r *mirrorRun) session(ctx context.Context) (bool, error) {
	if r.rv == "" {
		if err := r.list(ctx); err != nil {
			r.failed(ctx, "Listing the desired state failed", err)
			return false, nil
		}
	}
	err := r.m.Client.Watch(ctx, r.rv, r.apply)
	if errors.Is(err, ErrGone) {
		r.m.Log.Info("The hub no longer remembers the desired-state version; listing again", "resourceVersion", r.rv)
		r.rv = ""
	}
	r.failed(ctx, "Watching the desired state failed", err)
	return false, nil
}

// delay is the wait before the next session: the backoff's next step, or its first after
// a session that made progress.
func (r *mirrorRun) delay() time.Duration {
	if r.progress {
		r.next, r.progress = r.backoff.DelayFunc(), false
	}
	return r.next()
}

func (r *mirrorRun) list(ctx context.Context) error {
	state, err := r.m.Client.DesiredState(ctx)
	if err != nil {
		return err
	}
	r.objects = make(map[string]protocol.DesiredObject, len(state.Items))
	for _, o := range state.Items {
		r.objects[objectKey(o)] = o
	}
	r.rv = state.ResourceVersion
	r.m.Log.V(1).Info("Listed the desired state", "resourceVersion", r.rv, "objects", len(r.objects))
	r.changed()
	return nil
}

// apply folds one watch event into the copy.
func (r *mirrorRun) apply(e protocol.WatchEvent) error {
	r.progress = true
	if e.ResourceVersion != "" {
		r.rv = e.ResourceVersion
	}
	switch {
	case e.Type == protocol.Bookmark:
		return nil
	case e.Object == nil:
		r.m.Log.Info("Ignoring a watch event without an object", "type", e.Type, "resourceVersion", e.ResourceVersion)
		return nil
	case e.Type == protocol.Deleted:
		delete(r.objects, objectKey(*e.Object))
	default:
		r.objects[objectKey(*e.Object)] = *e.Object
	}
	r.changed()
	return nil
}

func (r *mirrorRun) changed() {
	if r.m.OnChange != nil {
		r.m.OnChange(maps.Clone(r.objects))
	}
}

// failed reports an error, unless it is only the end of ctx.
func (r *mirrorRun) failed(ctx context.Context, msg string, err error) {
	if err == nil || ctx.Err() != nil {
		return
	}
	r.m.Log.Error(err, msg, "resourceVersion", r.rv)
	if r.m.OnError != nil {
		r.m.OnError(err)
	}
}

func objectKey(o protocol.DesiredObject) string { return o.Kind + "/" + o.Name }
