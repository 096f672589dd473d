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
	"context"
	"maps"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/nested"
)

// Settings an extension gets from the workspace its type's catalog WorkspaceSetting names.
const (
	// SettingOTLPEndpoint is the workspace's OTLP/HTTP endpoint.
	SettingOTLPEndpoint = catalog.WorkspaceSettingPrefix + "otlpEndpoint"
	// SettingPrometheusRemoteWriteURL is its Prometheus remote-write URL, when it has one.
	SettingPrometheusRemoteWriteURL = catalog.WorkspaceSettingPrefix + "prometheusRemoteWriteUrl"
	// SettingBearerToken is the protected setting of its credential, when it has one.
	SettingBearerToken = catalog.WorkspaceSettingPrefix + "bearerToken"
	// SettingCredentialsRevision changes with its credential and says nothing of it, so that
	// a chart can restart what reads the credential when it changes.
	SettingCredentialsRevision = catalog.WorkspaceSettingPrefix + "credentialsRevision"
)

// Workspace is a monitoring workspace as an extension gets it.
type Workspace struct {
	OTLPEndpoint             string
	PrometheusRemoteWriteURL string
	// BearerToken is the workspace's credential in plaintext, "" for none: it goes into the
	// extension's protected settings only.
	BearerToken string
	// CredentialsRevision changes whenever the credential does; "" for none.
	CredentialsRevision string
	// Version is the workspace's stored version these values were read at: the extension is
	// stored only while the workspace is still at it (nested.Meta.Related).
	Version string
}

// WorkspaceResolver reads the monitoring workspace id for an extension, if the caller may use
// it (mayUse, whose error it returns as it is). An id that is not a workspace's, or a
// workspace that does not exist, is an InvalidError naming setting.
type WorkspaceResolver interface {
	ResolveWorkspace(ctx context.Context, setting, id string, mayUse func(id string) error) (*Workspace, error)
}

// WorkspaceBinding is the workspace an extension's settings name, as resolved when it was
// last written: its desired object carries these values instead of the naming setting.
type WorkspaceBinding struct {
	// Setting is the configuration setting that names the workspace; ID its value.
	Setting string `json:"setting"`
	ID      string `json:"id"`
	// OTLPEndpoint and PrometheusRemoteWriteURL are the workspace's endpoints; its
	// credential is in the extension's protected settings (SettingBearerToken).
	OTLPEndpoint             string `json:"otlpEndpoint"`
	PrometheusRemoteWriteURL string `json:"prometheusRemoteWriteUrl,omitempty"`
	// CredentialsRevision is the workspace's: it changes with its credential.
	CredentialsRevision string `json:"credentialsRevision,omitempty"`
}

// Resolve binds an extension whose type takes a workspace (catalog WorkspaceSetting) to the
// workspace its settings name: the caller must be allowed to use it (req.MayUse: write access
// to it, as Azure's workspaces/sharedKeys/action), since its credential goes to whoever runs
// the cluster. An extension that names none is unbound.
func (k *Kind) Resolve(ctx context.Context, req nested.Request, rec *Record, protected map[string]string) (map[string]string, error) {
	typ, err := k.Catalog.Type(rec.ExtensionType)
	if err != nil {
		return nil, LookupError(err)
	}
	id := ""
	if typ.WorkspaceSetting != "" {
		id = rec.ConfigurationSettings[typ.WorkspaceSetting]
	}
	if id == "" {
		if rec.Workspace != nil {
			delete(protected, SettingBearerToken)
		}
		rec.Workspace = nil
		return protected, nil
	}
	if req.MayUse == nil || k.Workspaces == nil {
		return nil, nested.Invalid("The configuration setting '%s' names a workspace, which this request cannot resolve.", typ.WorkspaceSetting)
	}
	ws, err := k.Workspaces.ResolveWorkspace(ctx, typ.WorkspaceSetting, id, req.MayUse)
	if err != nil {
		return nil, err
	}
	return rec.Bind(typ.WorkspaceSetting, id, ws, protected), nil
}

// Bind records the workspace id, named by setting, as rec's and returns protected with its
// credential. rec is to be stored only while the workspace is at the version read.
func (r *Record) Bind(setting, id string, ws *Workspace, protected map[string]string) map[string]string {
	r.Workspace = &WorkspaceBinding{Setting: setting, ID: id, OTLPEndpoint: ws.OTLPEndpoint,
		PrometheusRemoteWriteURL: ws.PrometheusRemoteWriteURL, CredentialsRevision: ws.CredentialsRevision}
	r.Related = map[string]string{id: ws.Version}
	out := maps.Clone(protected)
	if out == nil {
		out = map[string]string{}
	}
	delete(out, SettingBearerToken)
	if ws.BearerToken != "" {
		out[SettingBearerToken] = ws.BearerToken
	}
	return out
}

// deliveredSettings are the configuration settings the agent gets: the user's, with the
// setting naming a workspace replaced by the workspace's endpoints.
func (r *Record) deliveredSettings() map[string]string {
	if r.Workspace == nil {
		return r.ConfigurationSettings
	}
	out := maps.Clone(r.ConfigurationSettings)
	if out == nil {
		out = map[string]string{}
	}
	delete(out, r.Workspace.Setting)
	out[SettingOTLPEndpoint] = r.Workspace.OTLPEndpoint
	if r.Workspace.PrometheusRemoteWriteURL != "" {
		out[SettingPrometheusRemoteWriteURL] = r.Workspace.PrometheusRemoteWriteURL
	}
	if r.Workspace.CredentialsRevision != "" {
		out[SettingCredentialsRevision] = r.Workspace.CredentialsRevision
	}
	return out
}
