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

package nested

import (
	"context"
	"errors"
	"fmt"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Observed is what the hub knows of a cluster's resources of one kind on the agent's side.
type Observed struct {
	// DesiredRV maps a name to its desired object's resourceVersion.
	DesiredRV map[string]string
	// Statuses maps a name to the agent's newest status.
	Statuses map[string]protocol.ObjectStatus
}

// Observe reads a cluster's desired objects and the agent's statuses of kind objectKind.
func Observe(ctx context.Context, st store.Store, clusterID, objectKind string) (*Observed, error) {
	state, err := st.DesiredState(ctx, clusterID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("reading the desired state of %s: %w", clusterID, err)
	}
	sts, err := st.ListStatuses(ctx, clusterID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("reading the statuses of %s: %w", clusterID, err)
	}
	o := &Observed{DesiredRV: map[string]string{}, Statuses: map[string]protocol.ObjectStatus{}}
	for _, obj := range state.Items {
		if obj.Kind == objectKind {
			o.DesiredRV[obj.Name] = obj.ResourceVersion
		}
	}
	for _, s := range sts {
		if s.Kind == objectKind {
			o.Statuses[s.Name] = s
		}
	}
	return o, nil
}

// Of returns the current resourceVersion of name's desired object and the agent's newest
// status of it (nil when none).
func (o *Observed) Of(name string) (desiredRV string, status *protocol.ObjectStatus) {
	st, ok := o.Statuses[name]
	if !ok {
		return o.DesiredRV[name], nil
	}
	return o.DesiredRV[name], &st
}
