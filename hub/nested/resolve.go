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

import "context"

// Resolver is a kind whose records may name other hub resources (an extension naming a
// monitoring workspace). On every PUT and PATCH, after the kind's Change, the registry lets it
// check that the caller may use them (req.MayUse) and complete rec and its protected
// settings from them; it returns the protected settings to seal. Its errors are answered as
// they are.
type Resolver[P any] interface {
	Resolve(ctx context.Context, req Request, rec P, protected map[string]string) (map[string]string, error)
}

// resolve lets a Resolver kind complete rec and protected; other kinds keep them.
func (s *Service[R, P, D]) resolve(ctx context.Context, req Request, rec P, protected map[string]string) (map[string]string, error) {
	if r, ok := s.kind.(Resolver[P]); ok {
		return r.Resolve(ctx, req, rec, protected)
	}
	return protected, nil
}
