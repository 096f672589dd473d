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

package extensions

import (
	"encoding/json"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// ARM provisioning states of an extension.
const (
	StateSucceeded = "Succeeded"
	StateFailed    = "Failed"
	StateDeleting  = "Deleting"
)

// Status is one entry of an extension's statuses[], in the ARM shape.
type Status struct {
	Code          string `json:"code,omitempty"`
	DisplayStatus string `json:"displayStatus,omitempty"`
	Level         string `json:"level,omitempty"`
	Message       string `json:"message,omitempty"`
	Time          string `json:"time,omitempty"`
}

// ErrorInfo is an extension's errorInfo, in the ARM shape.
type ErrorInfo struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// View is what the hub shows of an extension's state.
type View struct {
	ProvisioningState string
	CurrentVersion    string
	Statuses          []Status
	ErrorInfo         *ErrorInfo
}

// View computes the extension's state from its desired object's resourceVersion and the
// agent's newest status (nil when none). A status of an older spec keeps the record's phase
// (Creating or Updating); currentVersion is what is installed, whichever spec it came from.
func (r *Record) View(desiredRV string, st *protocol.ObjectStatus) View {
	v := View{ProvisioningState: r.Phase}
	es, ok := decodeStatus(st)
	if ok {
		v.CurrentVersion, v.Statuses = es.InstalledVersion, statuses(es)
	}
	switch {
	case r.Deleting:
		v.ProvisioningState = StateDeleting
	case !ok || st.ObservedResourceVersion != desiredRV:
	case es.ProvisioningState == protocol.ProvisioningSucceeded:
		v.ProvisioningState = StateSucceeded
	case es.ProvisioningState == protocol.ProvisioningFailed:
		v.ProvisioningState = StateFailed
		v.ErrorInfo = &ErrorInfo{Code: "ExtensionOperationFailed", Message: es.Message}
	}
	return v
}

// ClusterOwned returns the record and view of an extension applied in the cluster, from its
// status; ok is false when the status is not one (it names a hub spec, or says the release
// is gone).
func ClusterOwned(clusterID string, st protocol.ObjectStatus) (rec *Record, v View, ok bool) {
	es, decoded := decodeStatus(&st)
	if !decoded || st.Kind != protocol.KindExtension || st.ObservedResourceVersion != "" || es.ProvisioningState == protocol.ProvisioningDeleted {
		return nil, View{}, false
	}
	rec = &Record{Version: es.InstalledVersion,
		Meta: nested.Meta{ID: ID(clusterID, st.Name), Name: st.Name, Phase: PhaseCreating,
			Audit: nested.SystemData{CreatedBy: "cluster", CreatedByType: nested.CreatedByCluster}},
		Settings: Settings{ExtensionType: es.ExtensionType, ReleaseTrain: es.ReleaseTrain, Scope: es.Scope, Namespace: es.Namespace}}
	v = View{ProvisioningState: PhaseCreating, CurrentVersion: es.InstalledVersion, Statuses: statuses(es)}
	switch es.ProvisioningState {
	case protocol.ProvisioningSucceeded:
		v.ProvisioningState = StateSucceeded
	case protocol.ProvisioningFailed:
		v.ProvisioningState = StateFailed
		v.ErrorInfo = &ErrorInfo{Code: "ExtensionOperationFailed", Message: es.Message}
	}
	return rec, v, true
}

func decodeStatus(st *protocol.ObjectStatus) (protocol.ExtensionStatus, bool) {
	var es protocol.ExtensionStatus
	if st == nil || json.Unmarshal(st.Status, &es) != nil {
		return es, false
	}
	return es, true
}

// statuses maps the Extension CR's conditions to ARM statuses; a status without conditions
// becomes one entry from its message.
func statuses(es protocol.ExtensionStatus) []Status {
	out := make([]Status, 0, len(es.Conditions)+1)
	for _, c := range es.Conditions {
		out = append(out, Status{Code: c.Type, DisplayStatus: c.Reason, Level: level(c), Message: c.Message, Time: c.LastTransitionTime})
	}
	if len(out) == 0 && es.Message != "" {
		lvl := "Information"
		if es.ProvisioningState == protocol.ProvisioningFailed {
			lvl = "Error"
		}
		out = append(out, Status{Code: es.ProvisioningState, DisplayStatus: es.ProvisioningState, Level: lvl, Message: es.Message})
	}
	return out
}

// level is Error for a failing Ready or a true Stalled condition, Warning for a false Ready
// that is still reconciling, Information otherwise.
func level(c protocol.Condition) string {
	switch {
	case c.Type == "Stalled" && c.Status == "True":
		return "Error"
	case c.Type == "Ready" && c.Status == "False":
		return "Warning"
	default:
		return "Information"
	}
}
