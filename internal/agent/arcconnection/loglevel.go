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

package arcconnection

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/go-logr/logr"

	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/selfupgrade"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// profileKind is the desired.Kind of the hub's agent profile when the agent ships its log:
// it sets the level of the shipped lines from the profile's logLevel, at once and without a
// restart, and hands the profile on to the self-upgrade.
type profileKind struct {
	*selfupgrade.Upgrader
	setLevel func(name string) error
	log      logr.Logger

	mu      sync.Mutex
	applied string // the logLevel last set; "" is the agent's default
}

// withLogLevel returns the agent profile's desired.Kind: u, and the log level set with
// setLevel when there is one.
func withLogLevel(u *selfupgrade.Upgrader, setLevel func(name string) error, log logr.Logger) desired.Kind {
	if setLevel == nil {
		return u
	}
	return &profileKind{Upgrader: u, setLevel: setLevel, log: log}
}

// Apply sets the shipped log level, then lets the self-upgrade act on the profile.
func (k *profileKind) Apply(ctx context.Context, obj protocol.DesiredObject) error {
	var p protocol.AgentProfile
	if json.Unmarshal(obj.Spec, &p) == nil { // the self-upgrade reports a profile it cannot read
		k.applyLogLevel(p.LogLevel)
	}
	return k.Upgrader.Apply(ctx, obj)
}

func (k *profileKind) applyLogLevel(level string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if level == k.applied {
		return
	}
	if err := k.setLevel(level); err != nil {
		k.log.Info("Ignoring the hub's level for the shipped log", "logLevel", level, "error", err.Error())
		return
	}
	k.applied = level
	shown := level
	if shown == "" {
		shown = "the agent's default (--shipped-log-level)"
	}
	k.log.Info("Set the level of the log lines shipped to the hub", "logLevel", shown)
}
