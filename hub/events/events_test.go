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

package events

import (
	"testing"
	"time"
)

func TestBroadcasterWakesOnlyThatCluster(t *testing.T) {
	b := NewBroadcaster()
	a, cancelA := b.Subscribe("/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/A")
	defer cancelA()
	other, cancelOther := b.Subscribe("/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/B")
	defer cancelOther()

	// IDs are case-insensitive; two notifications collapse into one pending wake-up.
	b.Notify("/subscriptions/S/resourcegroups/G/providers/microsoft.kubernetes/connectedclusters/a")
	b.Notify("/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/A")

	select {
	case <-a:
	case <-time.After(time.Second):
		t.Fatal("subscriber of A was not woken")
	}
	select {
	case <-a:
		t.Fatal("two notifications should collapse into one wake-up")
	default:
	}
	select {
	case <-other:
		t.Fatal("subscriber of B was woken by a change of A")
	default:
	}
}

func TestCancelledSubscriptionIsForgotten(t *testing.T) {
	b := NewBroadcaster()
	_, cancel := b.Subscribe("x")
	cancel()
	b.Notify("x")
	if len(b.subs) != 0 {
		t.Fatalf("subscriptions left after cancel: %d", len(b.subs))
	}
}
