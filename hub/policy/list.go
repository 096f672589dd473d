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

package policy

import (
	"context"
	"regexp"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
)

// ListFilter is the $filter of a listing of assignments, as Azure takes it: atScope(),
// atExactScope() and policyDefinitionId eq '{id}', alone or joined by "and".
type ListFilter struct {
	// AtScope keeps the assignments at the scope and those above it (atScope()); Exact those
	// at the scope only (atExactScope()); without either, those below the scope come too.
	AtScope, Exact bool
	// DefinitionID keeps the assignments of one definition.
	DefinitionID string
}

var (
	filterAnd          = regexp.MustCompile(`(?i)\s+and\s+`)
	filterDefinitionID = regexp.MustCompile(`(?i)^policyDefinitionId\s+eq\s+'([^']+)'$`)
)

// ParseFilter reads a listing's $filter; "" filters nothing.
func ParseFilter(s string) (ListFilter, error) {
	var f ListFilter
	if strings.TrimSpace(s) == "" {
		return f, nil
	}
	for _, term := range filterAnd.Split(strings.TrimSpace(s), -1) {
		switch m := filterDefinitionID.FindStringSubmatch(term); {
		case strings.EqualFold(term, "atScope()"):
			f.AtScope = true
		case strings.EqualFold(term, "atExactScope()"):
			f.Exact = true
		case m != nil:
			f.DefinitionID = m[1]
		default:
			return f, nested.Invalid("The $filter '%s' is not supported: use atScope(), atExactScope() or policyDefinitionId eq '{id}', alone or joined by 'and'.", s)
		}
	}
	return f, nil
}

// keeps reports whether the filter keeps an assignment at scope of definition defID, listed
// at listing.
func (f ListFilter) keeps(scope, defID, listing string) bool {
	var inScope bool
	switch {
	case f.Exact:
		inScope = strings.EqualFold(strings.TrimSuffix(scope, "/"), strings.TrimSuffix(listing, "/"))
	case f.AtScope:
		inScope = within(scope, listing)
	default:
		inScope = within(scope, listing) || within(listing, scope)
	}
	return inScope && (f.DefinitionID == "" || strings.EqualFold(defID, f.DefinitionID))
}

// ListAssignments returns the assignments the filter keeps for a listing at scope, sorted by
// ID.
func (s *Service) ListAssignments(ctx context.Context, scope Scope, f ListFilter) ([]*AssignmentDoc, error) {
	res, err := s.list(ctx, AssignmentType, scope.Subscription)
	if err != nil {
		return nil, err
	}
	docs := []*AssignmentDoc{}
	for _, r := range res {
		a, err := decodeAssignment(r)
		if err != nil {
			return nil, err
		}
		if f.keeps(a.Properties.Scope, a.Properties.PolicyDefinitionID, scope.ID()) {
			docs = append(docs, a.Doc())
		}
	}
	return docs, nil
}
