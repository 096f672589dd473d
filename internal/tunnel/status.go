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

package tunnel

import (
	"context"
	"encoding/json"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// statusWriter writes status.clusterConnect of the ArcConnection when it differs from the
// tunnel's state, e.g. after a change or when the ArcConnection was created again. It
// patches that field alone, so it never races the reconciler's status patches.
type statusWriter struct {
	client client.Client
	log    logr.Logger
}

func (s *statusWriter) set(ctx context.Context, state arcv1alpha1.TunnelState, message string) {
	obj := &arcv1alpha1.ArcConnection{}
	if err := s.client.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, obj); err != nil {
		return // nothing to write into
	}
	since := metav1.Now()
	if cur := obj.Status.ClusterConnect; cur != nil && cur.State == state {
		if cur.Message == message {
			return
		}
		if cur.LastTransitionTime != nil {
			since = *cur.LastTransitionTime
		}
	}
	patch, err := json.Marshal(map[string]any{"status": map[string]any{"clusterConnect": arcv1alpha1.ClusterConnectStatus{
		State: state, Message: message, LastTransitionTime: &since}}})
	if err == nil {
		err = s.client.Status().Patch(ctx, obj, client.RawPatch(types.MergePatchType, patch))
	}
	if err != nil {
		s.log.V(1).Info("Writing the tunnel state failed", "state", state, "error", err.Error())
	}
}
