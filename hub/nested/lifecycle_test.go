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
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
)

// racedStore holds one record being deleted, which another writer changes between the
// read and the conditional removal.
type racedStore struct {
	store.Store
}

func (racedStore) GetResource(_ context.Context, id string) (*store.Resource, error) {
	return &store.Resource{ID: id, Version: "7", Body: json.RawMessage(`{"id":"` + id + `","deleting":true}`)}, nil
}

func (racedStore) DeleteResource(_ context.Context, id string, _ store.Precondition, _ ...store.DesiredChange) error {
	return &store.ConditionError{ID: id, Err: store.ErrConflict}
}

// TestForgetThatLostTheRaceSaysSo: a record changed meanwhile is left alone, and the log
// does not claim it was deleted.
func TestForgetThatLostTheRaceSaysSo(t *testing.T) {
	var logs bytes.Buffer
	s := &Service[Meta, *Meta, struct{}]{names: Names{Title: "Extension", LogKey: "extension"}, store: racedStore{},
		log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if err := s.forget(t.Context(), "/subscriptions/s/x"); err != nil {
		t.Fatalf("forget = %v, want nil: losing the race is no error", err)
	}
	if strings.Contains(logs.String(), "Extension deleted") || !strings.Contains(logs.String(), "left alone") {
		t.Errorf("log = %q, want that the record was left alone", logs.String())
	}
}
