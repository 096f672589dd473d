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

package locationresources

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/store"
)

// refresh reads rec's CR from its cluster, when it is online, within DefaultReadTimeout, and
// stores what changed (its status, or that it is gone), so that a GET while the cluster is
// offline answers the last state seen. A CR that cannot be read leaves rec as stored.
func (s *Service) refresh(ctx context.Context, res *store.Resource, rec *record, rt *catalog.ResourceType) *record {
	readCtx, cancel := context.WithTimeout(ctx, DefaultReadTimeout)
	defer cancel()
	obj, err := s.read(readCtx, rec, rt)
	next := *rec
	switch {
	case apierrors.IsNotFound(err):
		next.Phase, next.Error = phaseFailed, fmt.Sprintf(
			"The custom resource is no longer in namespace %s of the cluster; PUT the resource again to recreate it.", rec.Namespace)
	case err != nil:
		s.log.Debug("Reading a custom resource failed; answering the last state seen", "resource", res.ID, "error", err)
		return rec
	default:
		next.Status = nil
		if status, ok := obj.Object["status"]; ok {
			if next.Status, err = json.Marshal(status); err != nil {
				return rec
			}
		}
	}
	if next.Phase == rec.Phase && bytes.Equal(next.Status, rec.Status) {
		return rec
	}
	if _, err := s.save(ctx, res, &next); err != nil && !store.LostRace(err) {
		s.log.Error("Storing the status of a custom resource failed", "resource", res.ID, "error", err)
	}
	return &next
}
