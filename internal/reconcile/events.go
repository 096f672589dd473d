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

package reconcile

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
)

// maxNoteLength is what the events API accepts in a note.
const maxNoteLength = 1000

// Event records an event on obj. note is shown as it is: it is never a format string, so a
// '%' in a Helm or hub error cannot garble it.
func Event(r events.EventRecorder, obj runtime.Object, eventType, reason, action, note string) {
	if r == nil {
		return
	}
	r.Eventf(obj, nil, eventType, reason, action, "%s", cut(note, maxNoteLength))
}
