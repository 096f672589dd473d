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

package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/go-logr/logr"

	"github.com/kubearc/kubearc/pkg/protocol"
)

func TestAnInvalidStatusIsDroppedAndTheOthersKept(t *testing.T) {
	in := []protocol.ObjectStatus{
		{Kind: protocol.KindExtension, Name: "flux", ObservedResourceVersion: "3"},
		{Kind: protocol.KindExtension, Name: "bad name"},
		{Kind: protocol.KindGitOpsConfiguration, Name: "Fleet", ObservedResourceVersion: "4"},
	}
	got := valid(logr.Discard(), in)
	if len(got) != 2 || got[0].Name != "flux" || got[1].Name != "Fleet" {
		t.Errorf("valid kept %+v, want flux and Fleet", got)
	}
}

func TestBatchesStayWithinTheHubsLimitsHubOwnedFirst(t *testing.T) {
	in := make([]protocol.ObjectStatus, 0, protocol.MaxReportItems+12)
	for i := range protocol.MaxReportItems + 10 {
		s := protocol.ObjectStatus{Kind: protocol.KindExtension, Name: fmt.Sprintf("local-%d", i)}
		if i%2 == 1 {
			s.Name, s.ObservedResourceVersion = fmt.Sprintf("hub-%d", i), "1"
		}
		in = append(in, s)
	}
	big, _ := json.Marshal(map[string]string{"message": strings.Repeat("x", maxBatchBytes/2)})
	in = append(in, protocol.ObjectStatus{Kind: protocol.KindExtension, Name: "big-1", Status: big},
		protocol.ObjectStatus{Kind: protocol.KindExtension, Name: "big-2", Status: big})

	parts := batches(in)
	total, seenLocal := 0, false
	for _, b := range parts {
		size := 0
		for _, s := range b {
			size += len(s.Status)
			if s.ObservedResourceVersion == "" {
				seenLocal = true
			} else if seenLocal {
				t.Fatalf("hub-owned %s sent after a cluster-owned status", s.Name)
			}
		}
		if len(b) > protocol.MaxReportItems || size > maxBatchBytes {
			t.Errorf("a batch of %d statuses and %d bytes", len(b), size)
		}
		total += len(b)
	}
	if total != len(in) {
		t.Errorf("batches hold %d statuses, want %d", total, len(in))
	}
}
