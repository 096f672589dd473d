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

package arcctl_test

import (
	"encoding/json"
	"fmt"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// fakeReports is what a fake agent reports for one kind of desired object: a status for each
// new resourceVersion of a spec S, and deleted for each object that left the desired state.
type fakeReports[S any] struct {
	kind string
	// reported maps a name to the resourceVersion last reported; specs to the last spec.
	reported map[string]string
	specs    map[string]S
	status   func(obj protocol.DesiredObject, spec S) protocol.ObjectStatus
	deleted  any
}

// of returns the statuses to report for state and records them as reported.
func (r fakeReports[S]) of(state protocol.DesiredState) ([]protocol.ObjectStatus, error) {
	var report []protocol.ObjectStatus
	desired := map[string]bool{}
	for _, obj := range state.Items {
		if obj.Kind != r.kind {
			continue
		}
		desired[obj.Name] = true
		if r.reported[obj.Name] == obj.ResourceVersion {
			continue
		}
		var spec S
		if err := json.Unmarshal(obj.Spec, &spec); err != nil {
			return nil, fmt.Errorf("decoding the spec of %s: %w", obj.Name, err)
		}
		r.specs[obj.Name] = spec
		report = append(report, r.status(obj, spec))
		r.reported[obj.Name] = obj.ResourceVersion
	}
	for name := range r.reported {
		if !desired[name] {
			st, _ := json.Marshal(r.deleted)
			report = append(report, protocol.ObjectStatus{Kind: r.kind, Name: name, Status: st})
			delete(r.reported, name)
		}
	}
	return report, nil
}
