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

package policyinsights

import (
	"context"
	"strings"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// component is one violating Kubernetes object of a policy state.
type component struct {
	rec *record
	v   *protocol.PolicyViolation
}

func componentRecord(c component) *record { return c.rec }

func componentTime(c component) time.Time { return c.rec.timestamp }

// componentFields are the properties of component states that $filter and $orderby name:
// those of their policy state (always NonCompliant), and the component's own.
var componentFields = newFields(append(adapt(newFields(recordFields...), componentRecord),
	field[component]{name: "componentId", get: func(c component) string { return componentID(c.v) }},
	field[component]{name: "componentType", get: func(c component) string { return strings.ToLower(c.v.Kind) }},
	field[component]{name: "componentName", get: func(c component) string { return c.v.Name }},
)...)

// ComponentStates answers a componentPolicyStates queryResults request: one state per
// violating object of every NonCompliant policy state in scope, at most $top.
func (s *Service) ComponentStates(ctx context.Context, req *Request) (*ComponentPolicyStatesQueryResults, error) {
	comps, err := selectRows(ctx, s, req, componentFields, componentTime, components)
	if err != nil {
		return nil, err
	}
	comps = comps[:req.limit(len(comps))]
	out := &ComponentPolicyStatesQueryResults{ODataCount: len(comps), Value: make([]ComponentPolicyState, 0, len(comps))}
	for _, c := range comps {
		out.Value = append(out.Value, c.render())
	}
	return out, nil
}

// components are the violating objects of the NonCompliant records.
func components(recs []*record) []component {
	var comps []component
	for _, r := range recs {
		if r.compliance != protocol.PolicyNonCompliant {
			continue
		}
		for i := range r.status.Violations {
			comps = append(comps, component{rec: r, v: &r.status.Violations[i]})
		}
	}
	return comps
}

func (c component) render() ComponentPolicyState {
	out := ComponentPolicyState{CommonState: c.rec.common(), ComponentID: componentID(c.v),
		ComponentType: strings.ToLower(c.v.Kind), ComponentName: c.v.Name}
	if c.v.Message != "" {
		out.PolicyEvaluationDetails = &ComponentEvaluationDetails{Reason: c.v.Message}
	}
	return out
}

// componentID is "namespace/name", or "name" for a cluster-scoped object.
func componentID(v *protocol.PolicyViolation) string {
	if v.Namespace == "" {
		return v.Name
	}
	return v.Namespace + "/" + v.Name
}
