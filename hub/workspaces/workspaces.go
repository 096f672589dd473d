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

// Package workspaces is the hub's monitoring workspace resource,
// Microsoft.OperationalInsights/workspaces under a resource group: where a monitoring
// extension sends the workload telemetry it collects (an OTLP/HTTP endpoint, optionally a
// Prometheus remote-write URL) and the credential it sends with it. Many clusters share one
// workspace: an extension names it in the configuration setting its catalog type's
// workspaceSetting says (logAnalyticsWorkspaceResourceID), and the hub resolves it into the
// extension's desired object (extensions.Kind.Resolve); a workspace's change rewrites the
// desired objects of the extensions bound to it.
//
// The credential is write-only: sealed at rest with the hub's data key, re-sealed for an
// agent key only inside an extension's protected settings, never answered, logged or put in
// an error; a document says only whether one is set.
package workspaces

import (
	"github.com/kubearc/kubearc/hub/nested"
)

// ResourceType is the ARM type of a workspace.
const ResourceType = "Microsoft.OperationalInsights/workspaces"

// APIVersions are the api-versions of workspaces, oldest first: two of Azure's stable
// versions of Microsoft.OperationalInsights/workspaces.
var APIVersions = []string{"2022-10-01", "2023-09-01"}

// provisioningSucceeded is a workspace's provisioningState: the hub holds it, nothing in a
// cluster provisions it.
const provisioningSucceeded = "Succeeded"

// Properties are a workspace's properties as written and answered.
type Properties struct {
	// OTLPEndpoint is the OTLP/HTTP endpoint telemetry is sent to.
	OTLPEndpoint string `json:"otlpEndpoint"`
	// PrometheusRemoteWriteURL is the Prometheus remote-write URL metrics are sent to; "" for
	// none.
	PrometheusRemoteWriteURL string `json:"prometheusRemoteWriteUrl,omitempty"`
	// Credentials are written only; a document shows CredentialsView instead.
	Credentials *Credentials `json:"credentials,omitempty"`
}

// Credentials are a workspace's secrets as a PUT or PATCH writes them.
type Credentials struct {
	// BearerToken is sent as "Authorization: Bearer …" to the endpoints.
	BearerToken *string `json:"bearerToken,omitempty"`
}

// CredentialsView says which credentials a workspace has, never their values.
type CredentialsView struct {
	BearerTokenSet bool `json:"bearerTokenSet"`
}

// ShownProperties are a workspace's properties as answered.
type ShownProperties struct {
	OTLPEndpoint             string          `json:"otlpEndpoint"`
	PrometheusRemoteWriteURL string          `json:"prometheusRemoteWriteUrl,omitempty"`
	Credentials              CredentialsView `json:"credentials"`
	ProvisioningState        string          `json:"provisioningState"`
}

// Doc is a workspace's ARM document.
type Doc struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Type       string             `json:"type"`
	Location   string             `json:"location,omitempty"`
	Tags       map[string]string  `json:"tags,omitempty"`
	ETag       string             `json:"etag,omitempty"`
	SystemData *nested.SystemData `json:"systemData,omitempty"`
	Properties ShownProperties    `json:"properties"`
}

// EntityTag returns the document's etag, for the ETag header.
func (d *Doc) EntityTag() string { return d.ETag }

// List is a page of workspaces.
type List struct {
	Value    []*Doc `json:"value"`
	NextLink string `json:"nextLink,omitempty"`
}

// record is a stored workspace.
type record struct {
	Location string            `json:"location,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
	// OTLPEndpoint and PrometheusRemoteWriteURL are as written.
	OTLPEndpoint             string `json:"otlpEndpoint"`
	PrometheusRemoteWriteURL string `json:"prometheusRemoteWriteUrl,omitempty"`
	// SealedCredentials are the credentials (a JSON object of strings) sealed with the hub's
	// data key; "" for none.
	SealedCredentials string `json:"sealedCredentials,omitempty"`
	// CredentialsRevision is a random ID that changes whenever the credentials do and says
	// nothing of them: bound extensions get it in clear, so that their collectors restart on a
	// rotation without a hash of the token in their pods.
	CredentialsRevision string            `json:"credentialsRevision,omitempty"`
	Audit               nested.SystemData `json:"audit"`
}

// credentialBearerToken is the bearer token's key in the sealed credentials.
const credentialBearerToken = "bearerToken"

// doc is the document of the record stored as id at version.
func (r *record) doc(id, name, version string) *Doc {
	return &Doc{ID: id, Name: name, Type: ResourceType, Location: r.Location, Tags: r.Tags, ETag: version,
		SystemData: r.Audit.Shown(), Properties: ShownProperties{OTLPEndpoint: r.OTLPEndpoint,
			PrometheusRemoteWriteURL: r.PrometheusRemoteWriteURL, ProvisioningState: provisioningSucceeded,
			Credentials: CredentialsView{BearerTokenSet: r.SealedCredentials != ""}}}
}
