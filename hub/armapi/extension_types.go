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

package armapi

import (
	"github.com/kubearc/kubearc/hub/extensions"
)

// extensionsAPIVersion is the api-version of Microsoft.KubernetesConfiguration/extensions
// (armkubernetesconfiguration/v2).
const extensionsAPIVersion = "2023-05-01"

// extensionDoc is the ARM document of an extension, as answered.
type extensionDoc struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	SystemData *systemData     `json:"systemData,omitempty"`
	Properties *extensionProps `json:"properties"`
}

// extensionProps never carries configurationProtectedSettings: they are write-only.
type extensionProps struct {
	ExtensionType           string                `json:"extensionType"`
	AutoUpgradeMinorVersion bool                  `json:"autoUpgradeMinorVersion"`
	ReleaseTrain            string                `json:"releaseTrain,omitempty"`
	Version                 *string               `json:"version"`
	Scope                   *scopeDoc             `json:"scope,omitempty"`
	ConfigurationSettings   map[string]string     `json:"configurationSettings"`
	ProvisioningState       string                `json:"provisioningState"`
	CurrentVersion          string                `json:"currentVersion,omitempty"`
	Statuses                []extensions.Status   `json:"statuses"`
	ErrorInfo               *extensions.ErrorInfo `json:"errorInfo,omitempty"`
	IsSystemExtension       bool                  `json:"isSystemExtension"`
	PackageURI              string                `json:"packageUri,omitempty"`
}

type scopeDoc struct {
	Cluster   *scopeCluster   `json:"cluster,omitempty"`
	Namespace *scopeNamespace `json:"namespace,omitempty"`
}

type scopeCluster struct {
	ReleaseNamespace *string `json:"releaseNamespace,omitempty"`
}

type scopeNamespace struct {
	TargetNamespace *string `json:"targetNamespace,omitempty"`
}

// extensionInput is the body of a PUT. Read-only properties a client echoes are ignored.
type extensionInput struct {
	Properties *struct {
		ExtensionType                  *string            `json:"extensionType"`
		AutoUpgradeMinorVersion        *bool              `json:"autoUpgradeMinorVersion"`
		ReleaseTrain                   *string            `json:"releaseTrain"`
		Version                        *string            `json:"version"`
		Scope                          *scopeDoc          `json:"scope"`
		ConfigurationSettings          map[string]*string `json:"configurationSettings"`
		ConfigurationProtectedSettings map[string]*string `json:"configurationProtectedSettings"`
	} `json:"properties"`
}

// extensionPatch is the body of a PATCH (PatchExtension). Settings are merged: a key with a
// value sets it, a key with null removes it.
type extensionPatch struct {
	Properties *struct {
		AutoUpgradeMinorVersion        *bool              `json:"autoUpgradeMinorVersion"`
		ReleaseTrain                   *string            `json:"releaseTrain"`
		Version                        *string            `json:"version"`
		ConfigurationSettings          map[string]*string `json:"configurationSettings"`
		ConfigurationProtectedSettings map[string]*string `json:"configurationProtectedSettings"`
	} `json:"properties"`
}

// extensionList is a listing.
type extensionList struct {
	Value    []*extensionDoc `json:"value"`
	NextLink string          `json:"nextLink,omitempty"`
}

// operationStatus is the answer of an operation-status URL (OperationStatusResult).
type operationStatus struct {
	ID     string       `json:"id"`
	Name   string       `json:"name"`
	Status string       `json:"status"`
	Error  *errorDetail `json:"error,omitempty"`
}

// renderExtension returns the ARM document of an extension and its state.
func renderExtension(rec *extensions.Record, v extensions.View) *extensionDoc {
	p := &extensionProps{
		ExtensionType: rec.ExtensionType, AutoUpgradeMinorVersion: rec.AutoUpgradeMinorVersion, ReleaseTrain: rec.ReleaseTrain,
		ConfigurationSettings: rec.ConfigurationSettings, ProvisioningState: v.ProvisioningState, CurrentVersion: v.CurrentVersion,
		Statuses: v.Statuses, ErrorInfo: v.ErrorInfo,
	}
	if p.ConfigurationSettings == nil {
		p.ConfigurationSettings = map[string]string{}
	}
	if p.Statuses == nil {
		p.Statuses = []extensions.Status{}
	}
	if rec.PinnedVersion != "" {
		p.Version = &rec.PinnedVersion
	}
	if rec.Scope == "namespace" {
		p.Scope = &scopeDoc{Namespace: &scopeNamespace{TargetNamespace: &rec.Namespace}}
	} else if rec.Scope != "" {
		p.Scope = &scopeDoc{Cluster: &scopeCluster{ReleaseNamespace: &rec.Namespace}}
	}
	if rec.Chart.Name != "" {
		p.PackageURI = rec.Chart.Repository + "/" + rec.Chart.Name + ":" + rec.Chart.Version
	}
	a := rec.Audit
	return &extensionDoc{ID: rec.ID, Name: rec.Name, Type: extensions.ResourceType, Properties: p,
		SystemData: &systemData{CreatedBy: a.CreatedBy, CreatedByType: a.CreatedByType, CreatedAt: a.CreatedAt,
			LastModifiedBy: a.LastModifiedBy, LastModifiedByType: a.CreatedByType, LastModifiedAt: a.LastModifiedAt}}
}
