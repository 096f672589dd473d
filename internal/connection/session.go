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

package connection

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/event"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// session is the agent's live link to the hub for one set of options: the client, and the
// desired-state mirror running beside it.
type session struct {
	fingerprint string
	client      *agentclient.Client
	stop        context.CancelFunc
	// opts are the options client was built from, for the connectivity checks.
	opts agentclient.Options

	mu      sync.Mutex
	profile *protocol.AgentProfile
	// hubRefused is set when the hub refused the certificate: register again.
	hubRefused bool
}

func (s *session) refused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hubRefused
}

func (s *session) setRefused(v bool) {
	s.mu.Lock()
	s.hubRefused = v
	s.mu.Unlock()
}

// ensureMirror starts the mirror once the client holds a certificate.
func (s *session) ensureMirror(ctx context.Context, log logr.Logger, wake chan<- event.GenericEvent, desired func(map[string]protocol.DesiredObject)) {
	s.mu.Lock()
	started := s.stop != nil
	s.mu.Unlock()
	if _, _, ok := s.client.Certificate(); ok && !started {
		s.startMirror(ctx, log, wake, desired)
	}
}

// startMirror runs the desired-state mirror until the session stops. Every change wakes the
// reconciler through wake, which copies what it needs into the ArcConnection's status.
func (s *session) startMirror(ctx context.Context, log logr.Logger, wake chan<- event.GenericEvent, desired func(map[string]protocol.DesiredObject)) {
	ctx, stop := context.WithCancel(ctx)
	s.mu.Lock()
	s.stop = stop
	s.mu.Unlock()
	m := &agentclient.Mirror{
		Client: s.client,
		Log:    log.WithName("mirror"),
		OnChange: func(objects map[string]protocol.DesiredObject) {
			s.setProfile(objects[protocol.KindAgentProfile+"/default"])
			notify(wake)
			if desired != nil {
				desired(objects)
			}
		},
		OnError: func(err error) {
			if mustRegisterAgain(err) {
				s.setRefused(true)
				notify(wake) // the reconciler registers again
			}
		},
	}
	go func() { _ = m.Run(ctx) }()
}

func (s *session) setProfile(obj protocol.DesiredObject) {
	var p protocol.AgentProfile
	if obj.Spec == nil || json.Unmarshal(obj.Spec, &p) != nil {
		return
	}
	s.mu.Lock()
	s.profile = &p
	s.mu.Unlock()
}

// agentProfile returns the hub's last agent profile, if the mirror has one.
func (s *session) agentProfile() *protocol.AgentProfile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.profile
}

func (s *session) close() {
	s.mu.Lock()
	stop := s.stop
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
	s.client.Close()
}

// notify wakes the ArcConnection reconciler without blocking; a pending wake-up is enough.
func notify(wake chan<- event.GenericEvent) {
	obj := &arcv1alpha1.ArcConnection{}
	obj.Name = arcv1alpha1.ArcConnectionName
	select {
	case wake <- event.GenericEvent{Object: obj}:
	default:
	}
}
