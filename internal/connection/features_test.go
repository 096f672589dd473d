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

package connection

import (
	"strings"
	"testing"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func TestHeartbeatFeaturesAreSortedWithClusterConnectWhileTheTunnelIsOn(t *testing.T) {
	c := &Connector{Features: []string{protocol.FeatureCustomLocations}}
	on := &arcv1alpha1.ArcConnection{Spec: arcv1alpha1.ArcConnectionSpec{ClusterConnect: arcv1alpha1.ClusterConnectSpec{Enabled: true}}}
	if got := strings.Join(c.features(on), ","); got != "cluster-connect,custom-locations" {
		t.Errorf("features with the tunnel on = %s", got)
	}
	if got := strings.Join(c.features(&arcv1alpha1.ArcConnection{}), ","); got != "custom-locations" {
		t.Errorf("features with the tunnel off = %s", got)
	}
	if got := (&Connector{}).features(on); len(got) != 1 || got[0] != protocol.FeatureClusterConnect {
		t.Errorf("features of an agent without optional ones = %v", got)
	}
}
