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

package customlocations

import (
	"strings"

	"github.com/kubearc/kubearc/hub/catalog"
)

// EnabledResourceTypesType is the ARM type of an enabled resource type.
const EnabledResourceTypesType = ResourceType + "/enabledResourceTypes"

// EnabledResourceType is one extension's resource types on a custom location, in the ARM
// shape.
type EnabledResourceType struct {
	ID         string                        `json:"id"`
	Name       string                        `json:"name"`
	Type       string                        `json:"type"`
	Properties EnabledResourceTypeProperties `json:"properties"`
}

// EnabledResourceTypeProperties names the extension and the ARM types it serves.
type EnabledResourceTypeProperties struct {
	ClusterExtensionID string          `json:"clusterExtensionId"`
	ExtensionType      string          `json:"extensionType"`
	TypesMetadata      []TypesMetadata `json:"typesMetadata"`
}

// TypesMetadata is one ARM type an extension serves; its apiVersion is the version of the
// custom resource that carries it.
type TypesMetadata struct {
	ProviderNamespace string `json:"resourceProviderNamespace"`
	ResourceType      string `json:"resourceType"`
	APIVersion        string `json:"apiVersion"`
}

// EnabledList is the listing of a location's enabled resource types.
type EnabledList struct {
	Value []EnabledResourceType `json:"value"`
}

// EnabledResourceTypes lists, for each of rec's extensions whose catalog type declares
// resource types, the ARM types it serves on the location.
func EnabledResourceTypes(cat *catalog.Catalog, rec *Record) *EnabledList {
	out := &EnabledList{Value: []EnabledResourceType{}}
	for _, ext := range rec.Extensions {
		t, err := cat.Type(ext.Type)
		if err != nil || t.CustomLocations == nil || len(t.CustomLocations.ResourceTypes) == 0 {
			continue
		}
		props := EnabledResourceTypeProperties{ClusterExtensionID: ext.ID, ExtensionType: t.Name}
		for _, rt := range t.CustomLocations.ResourceTypes {
			provider, typ, _ := strings.Cut(rt.Type, "/")
			props.TypesMetadata = append(props.TypesMetadata, TypesMetadata{ProviderNamespace: provider, ResourceType: typ, APIVersion: rt.Version})
		}
		name := ext.ID[strings.LastIndex(ext.ID, "/")+1:]
		out.Value = append(out.Value, EnabledResourceType{ID: rec.ID + "/enabledResourceTypes/" + name, Name: name,
			Type: EnabledResourceTypesType, Properties: props})
	}
	return out
}
