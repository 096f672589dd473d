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
	"encoding/json"
	"maps"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/nested"
)

// Labels and annotations of the CRs the hub applies, as Azure Arc names them on the objects it
// projects into a custom location's namespace.
const (
	// ManagedByLabel marks the CR as the hub's; its value is ManagedByHub.
	ManagedByLabel = "arc.kubearc.io/managed-by"
	// ManagedByHub is the value of ManagedByLabel.
	ManagedByHub = "hub"
	// ResourceIDAnnotation holds the ARM ID of the resource the CR projects.
	ResourceIDAnnotation = "management.azure.com/resourceId"
	// CustomLocationAnnotation holds the ARM ID of the resource's custom location.
	CustomLocationAnnotation = "management.azure.com/customLocation"
)

// readOnlyProperties are the properties the hub sets in a GET; a PUT's are ignored.
var readOnlyProperties = []string{"provisioningState", "status", "provisioningError"}

// spec is a PUT's properties without the read-only ones.
func spec(properties map[string]any) map[string]any {
	out := map[string]any{}
	maps.Copy(out, properties)
	for _, k := range readOnlyProperties {
		delete(out, k)
	}
	return out
}

// desiredCR is the custom resource of rec: the ARM properties as its spec, in the location's
// namespace, named as the ARM resource.
func desiredCR(id string, rec *record, rt *catalog.ResourceType) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": rt.Group + "/" + rt.Version,
		"kind":       rt.Kind,
		"metadata": map[string]any{
			"name":        rec.Name,
			"namespace":   rec.Namespace,
			"labels":      map[string]any{ManagedByLabel: ManagedByHub},
			"annotations": map[string]any{ResourceIDAnnotation: id, CustomLocationAnnotation: rec.ExtendedLocation.Name},
		},
		"spec": rec.Spec,
	}}
}

// crStatus is what the hub reads of a CR's status.
type crStatus struct {
	Conditions []struct {
		Type    string `json:"type"`
		Status  string `json:"status"`
		Message string `json:"message"`
	} `json:"conditions"`
}

// condition returns the status and message of the condition of type typ; "" when absent.
func (c *crStatus) condition(typ string) (string, string) {
	for _, cond := range c.Conditions {
		if cond.Type == typ {
			return cond.Status, cond.Message
		}
	}
	return "", ""
}

// appliedState is the provisioningState of an applied CR from its status (kstatus): Succeeded
// without a Ready condition or with Ready=True; Failed, with the condition's message, with
// Ready=False while not Reconciling; operation (Creating or Updating) otherwise.
func appliedState(status json.RawMessage, operation string) (string, string) {
	var st crStatus
	if len(status) > 0 && json.Unmarshal(status, &st) != nil {
		return operation, ""
	}
	ready, message := st.condition("Ready")
	reconciling, _ := st.condition("Reconciling")
	switch {
	case ready == "" || ready == "True":
		return StateSucceeded, ""
	case ready == "False" && reconciling != "True":
		return StateFailed, message
	}
	return operation, ""
}

// state returns rec's provisioningState and, when it failed, why.
func (rec *record) state() (string, string) {
	switch rec.Phase {
	case phasePending:
		return rec.Operation, ""
	case phaseDeleting:
		return StateDeleting, ""
	case phaseFailed:
		return StateFailed, rec.Error
	}
	return appliedState(rec.Status, rec.Operation)
}

// doc renders rec, stored as id.
func (rec *record) doc(id string) *Doc {
	props := make(map[string]any, len(rec.Spec)+3)
	maps.Copy(props, rec.Spec)
	state, message := rec.state()
	props["provisioningState"] = state
	if message != "" {
		props["provisioningError"] = message
	}
	if len(rec.Status) > 0 {
		props["status"] = rec.Status
	}
	doc := &Doc{ID: id, Name: rec.Name, Type: rec.Type, ExtendedLocation: rec.ExtendedLocation, Location: rec.Location,
		Tags: rec.Tags, Properties: props}
	if rec.Phase == phaseSynced {
		doc.SystemData = &nested.SystemData{CreatedBy: "cluster", CreatedByType: nested.CreatedByCluster, CreatedAt: rec.PendingSince,
			LastModifiedByType: nested.CreatedByCluster}
	}
	return doc
}
