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
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/catalog"
)

// The catalog at Azure's extension-type paths (Microsoft.KubernetesConfiguration
// ExtensionTypes_*), as `az k8s-extension extension-types` calls them: by cluster and by
// location, the same catalog for every cluster and location.
const (
	typeExtensionTypes         = namespaceConfiguration + "/extensionTypes"
	typeExtensionTypeVersions  = typeExtensionTypes + "/versions"
	opReadExtensionTypes       = typeExtensionTypes + "/read"
	clusterExtensionTypesPath  = clustersPath + "/{name}/providers/" + typeExtensionTypes
	locationExtensionTypesPath = "/subscriptions/{sub}/providers/" + namespaceConfiguration + "/locations/{location}/extensionTypes"
	// clusterTypeConnected is the only cluster type the hub serves.
	clusterTypeConnected = "connectedClusters"
)

// extensionTypesAPIVersions are the api-versions of the extension-type routes.
var extensionTypesAPIVersions = []string{"2023-05-01-preview", "2024-11-01-preview"}

// armExtensionType is an ExtensionType.
type armExtensionType struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Type       string              `json:"type"`
	Properties extensionTypeFields `json:"properties"`
}

type extensionTypeFields struct {
	IsSystemExtension         bool            `json:"isSystemExtension"`
	IsManagedIdentityRequired bool            `json:"isManagedIdentityRequired"`
	Description               string          `json:"description,omitempty"`
	SupportedClusterTypes     []string        `json:"supportedClusterTypes"`
	SupportedScopes           supportedScopes `json:"supportedScopes"`
}

type supportedScopes struct {
	DefaultScope         string               `json:"defaultScope"`
	ClusterScopeSettings clusterScopeSettings `json:"clusterScopeSettings"`
}

type clusterScopeSettings struct {
	Properties struct {
		AllowMultipleInstances  bool   `json:"allowMultipleInstances"`
		DefaultReleaseNamespace string `json:"defaultReleaseNamespace,omitempty"`
	} `json:"properties"`
}

// armExtensionTypeVersion is an ExtensionTypeVersionForReleaseTrain.
type armExtensionTypeVersion struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Properties struct {
		Version               string   `json:"version"`
		SupportedClusterTypes []string `json:"supportedClusterTypes"`
	} `json:"properties"`
}

// registerExtensionTypes adds the extension-type routes at a cluster and at a location.
func (a *API) registerExtensionTypes(mux *http.ServeMux) {
	for _, base := range []string{clusterExtensionTypesPath, locationExtensionTypesPath} {
		mux.HandleFunc("GET "+base, a.handle(a.extensionTypes(a.listARMExtensionTypes)))
		mux.HandleFunc("GET "+base+"/{type}", a.handle(a.extensionTypes(a.getARMExtensionType)))
		mux.HandleFunc("GET "+base+"/{type}/versions", a.handle(a.extensionTypes(a.listARMExtensionTypeVersions)))
		mux.HandleFunc("GET "+base+"/{type}/versions/{version}", a.handle(a.extensionTypes(a.getARMExtensionTypeVersion)))
	}
}

// extensionTypes checks an extension-type request, at a cluster (which must exist and be
// readable by the caller) or at a location (the catalog is not secret), and hands fn the
// ID of the extension types' collection there.
func (a *API) extensionTypes(fn func(r *http.Request, base string) (int, any, error)) func(*http.Request) (int, any, error) {
	return func(r *http.Request) (int, any, error) {
		if _, err := checkAPIVersion(r, typeExtensionTypes, extensionTypesAPIVersions); err != nil {
			return 0, nil, err
		}
		if location := r.PathValue("location"); location != "" {
			if err := validateScopePath(r); err != nil {
				return 0, nil, err
			}
			if err := validateLocation(location); err != nil {
				return 0, nil, err
			}
			if err := authenticated(r); err != nil {
				return 0, nil, err
			}
			return fn(r, "/subscriptions/"+r.PathValue("sub")+"/providers/"+namespaceConfiguration+"/locations/"+location+"/extensionTypes")
		}
		id, err := clusterID(r)
		if err != nil {
			return 0, nil, err
		}
		if _, err := a.authorize(r, auth.Read, opReadExtensionTypes, id.String()); err != nil {
			return 0, nil, err
		}
		if _, _, err := a.loadCluster(r, id); err != nil {
			return 0, nil, err
		}
		return fn(r, id.String()+"/providers/"+typeExtensionTypes)
	}
}

// listARMExtensionTypes answers the catalog's types, filtered as the query asks: a release
// train, a cluster type; a Marketplace plan matches none.
func (a *API) listARMExtensionTypes(r *http.Request, base string) (int, any, error) {
	q := r.URL.Query()
	out := struct {
		Value []armExtensionType `json:"value"`
	}{Value: []armExtensionType{}}
	if q.Get("publisherId") != "" || q.Get("offerId") != "" || q.Get("planId") != "" || !clusterTypeMatches(r) {
		return http.StatusOK, out, nil
	}
	for _, t := range a.Catalog.Types() {
		if train := q.Get("releaseTrain"); train != "" {
			if _, err := t.Train(train); err != nil {
				continue
			}
		}
		out.Value = append(out.Value, extensionTypeOf(t, base))
	}
	return http.StatusOK, out, nil
}

func (a *API) getARMExtensionType(r *http.Request, base string) (int, any, error) {
	t, err := a.catalogType(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, extensionTypeOf(t, base), nil
}

// listARMExtensionTypeVersions answers the versions of a release train (Stable unless the
// query names one), newest first, filtered by majorVersion and showLatest.
func (a *API) listARMExtensionTypeVersions(r *http.Request, base string) (int, any, error) {
	t, err := a.catalogType(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	train, err := t.Train(q.Get("releaseTrain"))
	if err != nil {
		return 0, nil, badRequest(codeInvalidParameter, "%s", err)
	}
	major, err := majorFilter(q.Get("majorVersion"))
	if err != nil {
		return 0, nil, err
	}
	out := struct {
		Value []armExtensionTypeVersion `json:"value"`
	}{Value: []armExtensionTypeVersion{}}
	if !clusterTypeMatches(r) {
		return http.StatusOK, out, nil
	}
	for i := len(train.Versions) - 1; i >= 0; i-- {
		v := train.Versions[i].Version
		if major != nil && !sameMajor(v, *major) {
			continue
		}
		out.Value = append(out.Value, versionOf(base+"/"+t.Name, v))
		if strings.EqualFold(q.Get("showLatest"), "true") {
			break
		}
	}
	return http.StatusOK, out, nil
}

// getARMExtensionTypeVersion answers a version of the type on any of its release trains.
func (a *API) getARMExtensionTypeVersion(r *http.Request, base string) (int, any, error) {
	t, err := a.catalogType(r)
	if err != nil {
		return 0, nil, err
	}
	v := r.PathValue("version")
	var known []string
	for _, train := range t.Trains {
		if rel, err := train.Version(v); err == nil {
			return http.StatusOK, versionOf(base+"/"+t.Name, rel.Version), nil
		}
		known = append(known, train.Name+": "+strings.Join(train.VersionNames(), ", "))
	}
	return 0, nil, &armError{status: http.StatusNotFound, code: codeResourceNotFound, message: "The version '" + v +
		"' of extension type '" + t.Name + "' is not in the hub's catalog. Versions per release train are " + strings.Join(known, "; ") + "."}
}

// catalogType is the catalog's type of the request path (a name or an alias), or a 404.
func (a *API) catalogType(r *http.Request) (*catalog.ExtensionType, error) {
	t, err := a.Catalog.Type(r.PathValue("type"))
	if err != nil {
		return nil, &armError{status: http.StatusNotFound, code: codeResourceNotFound, message: err.Error()}
	}
	return t, nil
}

// clusterTypeMatches says whether the query's clusterType, if any, is the hub's.
func clusterTypeMatches(r *http.Request) bool {
	ct := r.URL.Query().Get("clusterType")
	return ct == "" || strings.EqualFold(ct, clusterTypeConnected)
}

// majorFilter parses the majorVersion query parameter; nil when there is none.
func majorFilter(s string) (*uint64, error) {
	if s == "" {
		return nil, nil
	}
	major, err := strconv.ParseUint(strings.TrimPrefix(s, "v"), 10, 64)
	if err != nil {
		return nil, badRequest(codeInvalidParameter, "The query parameter 'majorVersion' must be a major version number such as 1, not '%s'.", s)
	}
	return &major, nil
}

// sameMajor says whether version has major version major; a version that is not semantic
// has none.
func sameMajor(version string, major uint64) bool {
	v, err := semver.NewVersion(version)
	return err == nil && v.Major() == major
}

func extensionTypeOf(t *catalog.ExtensionType, base string) armExtensionType {
	doc := armExtensionType{ID: base + "/" + t.Name, Name: t.Name, Type: typeExtensionTypes}
	doc.Properties = extensionTypeFields{Description: t.Description, SupportedClusterTypes: []string{clusterTypeConnected},
		SupportedScopes: supportedScopes{DefaultScope: t.DefaultScope}}
	doc.Properties.SupportedScopes.ClusterScopeSettings.Properties.DefaultReleaseNamespace = t.DefaultReleaseNamespace
	return doc
}

func versionOf(typeID, version string) armExtensionTypeVersion {
	doc := armExtensionTypeVersion{ID: typeID + "/versions/" + version, Name: version, Type: typeExtensionTypeVersions}
	doc.Properties.Version, doc.Properties.SupportedClusterTypes = version, []string{clusterTypeConnected}
	return doc
}
