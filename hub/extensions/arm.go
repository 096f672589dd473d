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

import "github.com/kubearc/kubearc/hub/nested"

// The ARM documents of an extension (api-version 2023-05-01), with the JSON names of
// armkubernetesconfiguration/v2.

// Doc is an extension as the API answers it.
type Doc = nested.Doc[DocProperties]

// DocProperties never carry configurationProtectedSettings: they are write-only.
type DocProperties struct {
	ExtensionType           string            `json:"extensionType"`
	AutoUpgradeMinorVersion bool              `json:"autoUpgradeMinorVersion"`
	ReleaseTrain            string            `json:"releaseTrain,omitempty"`
	Version                 *string           `json:"version"`
	Scope                   *Scope            `json:"scope,omitempty"`
	ConfigurationSettings   map[string]string `json:"configurationSettings"`
	ProvisioningState       string            `json:"provisioningState"`
	CurrentVersion          string            `json:"currentVersion,omitempty"`
	Statuses                []Status          `json:"statuses"`
	ErrorInfo               *ErrorInfo        `json:"errorInfo,omitempty"`
	IsSystemExtension       bool              `json:"isSystemExtension"`
	PackageURI              string            `json:"packageUri,omitempty"`
}

// Scope is the extension's scope: cluster (with its release namespace) or namespace.
type Scope struct {
	Cluster   *ScopeCluster   `json:"cluster,omitempty"`
	Namespace *ScopeNamespace `json:"namespace,omitempty"`
}

// ScopeCluster is a cluster-scoped extension's scope.
type ScopeCluster struct {
	ReleaseNamespace *string `json:"releaseNamespace,omitempty"`
}

// ScopeNamespace is a namespace-scoped extension's scope.
type ScopeNamespace struct {
	TargetNamespace *string `json:"targetNamespace,omitempty"`
}

// input is the body of a PUT. Read-only properties a client echoes are ignored.
type input struct {
	Properties *struct {
		ExtensionType                  *string            `json:"extensionType"`
		AutoUpgradeMinorVersion        *bool              `json:"autoUpgradeMinorVersion"`
		ReleaseTrain                   *string            `json:"releaseTrain"`
		Version                        *string            `json:"version"`
		Scope                          *Scope             `json:"scope"`
		ConfigurationSettings          map[string]*string `json:"configurationSettings"`
		ConfigurationProtectedSettings map[string]*string `json:"configurationProtectedSettings"`
	} `json:"properties"`
}

// patch is the body of a PATCH (PatchExtension). Settings are merged: a key with a value
// sets it, a key with null removes it.
type patch struct {
	Properties *struct {
		AutoUpgradeMinorVersion        *bool              `json:"autoUpgradeMinorVersion"`
		ReleaseTrain                   *string            `json:"releaseTrain"`
		Version                        *string            `json:"version"`
		ConfigurationSettings          map[string]*string `json:"configurationSettings"`
		ConfigurationProtectedSettings map[string]*string `json:"configurationProtectedSettings"`
	} `json:"properties"`
}

// List is a listing.
type List struct {
	Value    []*Doc `json:"value"`
	NextLink string `json:"nextLink,omitempty"`
}

// Render returns the ARM document of an extension and its state.
func Render(rec *Record, v View) *Doc {
	p := &DocProperties{
		ExtensionType: rec.ExtensionType, AutoUpgradeMinorVersion: rec.AutoUpgradeMinorVersion, ReleaseTrain: rec.ReleaseTrain,
		ConfigurationSettings: rec.ConfigurationSettings, ProvisioningState: v.ProvisioningState, CurrentVersion: v.CurrentVersion,
		Statuses: v.Statuses, ErrorInfo: v.ErrorInfo,
	}
	if p.ConfigurationSettings == nil {
		p.ConfigurationSettings = map[string]string{}
	}
	if p.Statuses == nil {
		p.Statuses = []Status{}
	}
	if rec.PinnedVersion != "" {
		p.Version = &rec.PinnedVersion
	}
	if rec.Scope == "namespace" {
		p.Scope = &Scope{Namespace: &ScopeNamespace{TargetNamespace: &rec.Namespace}}
	} else if rec.Scope != "" {
		p.Scope = &Scope{Cluster: &ScopeCluster{ReleaseNamespace: &rec.Namespace}}
	}
	if rec.Chart.Name != "" {
		p.PackageURI = rec.Chart.Repository + "/" + rec.Chart.Name + ":" + rec.Chart.Version
	}
	return &Doc{ID: rec.ID, Name: rec.Name, Type: ResourceType, Properties: p, SystemData: rec.Audit.Shown()}
}
