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
	"net/http"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// extensionTypeDoc is one extension type of GET /kubearc/v1/extensionTypes.
type extensionTypeDoc struct {
	Name                    string     `json:"name"`
	Aliases                 []string   `json:"aliases,omitempty"`
	Description             string     `json:"description,omitempty"`
	DefaultScope            string     `json:"defaultScope"`
	DefaultReleaseNamespace string     `json:"defaultReleaseNamespace"`
	ReleaseTrains           []trainDoc `json:"releaseTrains"`
}

// trainDoc is a release train and its versions, newest first.
type trainDoc struct {
	Name     string       `json:"name"`
	Versions []versionDoc `json:"versions"`
}

type versionDoc struct {
	Version string            `json:"version"`
	Chart   protocol.ChartRef `json:"chart"`
}

// registerCatalog adds the catalog's read API.
func (a *API) registerCatalog(mux *http.ServeMux) {
	mux.HandleFunc("GET /kubearc/v1/extensionTypes", a.handle(a.listExtensionTypes))
	mux.HandleFunc("GET /kubearc/v1/extensionTypes/{type}", a.handle(a.getExtensionType))
	mux.HandleFunc("GET /kubearc/v1/extensionTypes/{type}/versions", a.handle(a.listExtensionTypeVersions))
	mux.HandleFunc("GET /kubearc/v1/agentVersions", a.handle(a.listAgentVersions))
}

// authenticated admits any authenticated user: the catalog is not secret.
func authenticated(r *http.Request) error {
	if _, ok := auth.PrincipalFrom(r.Context()); !ok {
		return &armError{status: http.StatusUnauthorized, code: "AuthenticationFailed", message: "Send a bearer token."}
	}
	return nil
}

func (a *API) listExtensionTypes(r *http.Request) (int, any, error) {
	if err := authenticated(r); err != nil {
		return 0, nil, err
	}
	out := struct {
		Value []extensionTypeDoc `json:"value"`
	}{Value: []extensionTypeDoc{}}
	for _, t := range a.Catalog.Types() {
		out.Value = append(out.Value, typeDoc(t))
	}
	return http.StatusOK, out, nil
}

func (a *API) getExtensionType(r *http.Request) (int, any, error) {
	if err := authenticated(r); err != nil {
		return 0, nil, err
	}
	t, err := a.Catalog.Type(r.PathValue("type"))
	if err != nil {
		return 0, nil, &armError{status: http.StatusNotFound, code: codeResourceNotFound, message: err.Error()}
	}
	return http.StatusOK, typeDoc(t), nil
}

func (a *API) listExtensionTypeVersions(r *http.Request) (int, any, error) {
	status, body, err := a.getExtensionType(r)
	if err != nil {
		return status, body, err
	}
	return http.StatusOK, struct {
		Value []trainDoc `json:"value"`
	}{Value: body.(extensionTypeDoc).ReleaseTrains}, nil
}

func (a *API) listAgentVersions(r *http.Request) (int, any, error) {
	if err := authenticated(r); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, struct {
		Value []trainDoc `json:"value"`
	}{Value: trainDocs(a.Catalog.Agent())}, nil
}

func typeDoc(t *catalog.ExtensionType) extensionTypeDoc {
	return extensionTypeDoc{Name: t.Name, Aliases: t.Aliases, Description: t.Description, DefaultScope: t.DefaultScope,
		DefaultReleaseNamespace: t.DefaultReleaseNamespace, ReleaseTrains: trainDocs(&t.Package)}
}

func trainDocs(p *catalog.Package) []trainDoc {
	out := make([]trainDoc, 0, len(p.Trains))
	for _, t := range p.Trains {
		td := trainDoc{Name: t.Name, Versions: make([]versionDoc, 0, len(t.Versions))}
		for i := len(t.Versions) - 1; i >= 0; i-- {
			td.Versions = append(td.Versions, versionDoc{Version: t.Versions[i].Version, Chart: t.Versions[i].Chart})
		}
		out = append(out, td)
	}
	return out
}
