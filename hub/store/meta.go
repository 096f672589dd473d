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

package store

import "context"

// Meta holds values recorded once for the whole store and shared by every hub replica on it,
// such as the proof of the data key the store's protected values are sealed with.
type Meta interface {
	// InitMeta records value under name unless the store holds a value for name already, and
	// returns the value it holds: value, or the one recorded first (by a replica that started
	// at the same time, or before). Two callers racing on an empty store get the same value.
	InitMeta(ctx context.Context, name, value string) (string, error)
}
