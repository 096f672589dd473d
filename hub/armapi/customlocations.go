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
	"github.com/kubearc/kubearc/hub/customlocations"
)

// registerCustomLocations adds a custom location's listing of enabled resource types, as
// armextendedlocation's ListEnabledResourceTypes sends it (GET …/enabledResourceTypes) and as
// later api-versions do (POST …/listEnabledResourceTypes). The location's own routes are the
// registry's.
func (a *API) registerCustomLocations(mux *http.ServeMux, k *customlocations.Service) {
	path := resourceGroupPath + "/providers/" + customlocations.ResourceType + "/{name}"
	list := a.checked(k, a.hostedRequest, auth.Read, "read", func(nr *nestedRequest) (int, any, error) {
		rec, err := k.Load(nr.Context(), nr.id())
		switch {
		case err != nil:
			return 0, nil, err
		case rec == nil:
			return 0, nil, notFound(customlocations.ResourceType, nr.id())
		}
		return http.StatusOK, customlocations.EnabledResourceTypes(a.Catalog, rec), nil
	})
	mux.HandleFunc("GET "+path+"/enabledResourceTypes", list)
	mux.HandleFunc("POST "+path+"/listEnabledResourceTypes", list)
}
