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

package portal

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/gitops"
)

// action is a cluster page's write: it sends the API its request and returns the form to show
// again when the API refuses it.
type action func(r *http.Request, ref clusterRef) (formState, error)

// writeForm checks the session's form token, runs act, and answers: back to the cluster page
// (303) when the API took the request, 403 with a page saying so when it refused the
// principal, the cluster page with the API's message and the form otherwise.
func (p *Portal) writeForm(act action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !p.parseForm(w, r, maxFormBytes) {
			return
		}
		if !sessionFrom(r.Context()).validCSRF(r.PostForm.Get("csrf")) {
			p.renderError(w, r, http.StatusForbidden, "Request refused", "The form is out of date or did not come from the portal; reload the page and try again.")
			return
		}
		ref, ok := p.clusterFrom(w, r)
		if !ok {
			return
		}
		form, err := act(r, ref)
		var ae *armError
		refused := errors.As(err, &ae)
		switch {
		case err == nil:
			http.Redirect(w, r, ref.Path(), http.StatusSeeOther)
		case refused && ae.Status == http.StatusForbidden:
			p.renderError(w, r, http.StatusForbidden, "Not allowed", ae.Message)
		case refused && ae.Status < 500:
			form.Error = ae.Message
			p.showCluster(w, r, ae.Status, form)
		default:
			p.failed(w, r, err)
		}
	}
}

func (p *Portal) updateAgent(r *http.Request, ref clusterRef) (formState, error) {
	version := strings.TrimSpace(r.PostForm.Get("version"))
	body := map[string]any{"properties": map[string]any{"arcAgentProfile": map[string]any{"desiredAgentVersion": version}}}
	form := formState{Action: "agent", Values: map[string]string{"version": version}}
	return form, p.call(r.Context(), http.MethodPatch, ref.apiPath(), clusterAPIVersion, body, nil)
}

func (p *Portal) createExtension(r *http.Request, ref clusterRef) (formState, error) {
	f := r.PostForm
	values := map[string]string{"name": f.Get("name"), "type": f.Get("type"), "version": f.Get("version"), "settings": f.Get("settings")}
	form := formState{Action: "extension", Values: values}
	if err := nameError(extensions.ValidateName(values["name"])); err != nil {
		return form, err
	}
	settings, err := keyValues("Configuration settings", f.Get("settings"))
	if err != nil {
		return form, err
	}
	protected, err := keyValues("Protected settings", f.Get("protectedSettings"))
	if err != nil {
		return form, err
	}
	props := map[string]any{"extensionType": values["type"], "configurationSettings": settings,
		"configurationProtectedSettings": protected, "autoUpgradeMinorVersion": values["version"] == ""}
	if values["version"] != "" {
		props["version"] = values["version"]
	}
	return form, p.call(r.Context(), http.MethodPut, childPath(ref, "extensions", values["name"]), extensions.APIVersion,
		map[string]any{"properties": props}, nil)
}

func (p *Portal) createFlux(r *http.Request, ref clusterRef) (formState, error) {
	f := r.PostForm
	values := map[string]string{"name": f.Get("name"), "namespace": f.Get("namespace"), "url": f.Get("url"),
		"branch": f.Get("branch"), "path": f.Get("path"), "httpsUser": f.Get("httpsUser")}
	form := formState{Action: "flux", Values: values}
	if err := nameError(gitops.ValidateName(values["name"])); err != nil {
		return form, err
	}
	protected, err := keyValues("Protected settings", f.Get("protectedSettings"))
	if err != nil {
		return form, err
	}
	props := map[string]any{
		"scope": "cluster", "namespace": values["namespace"], "sourceKind": "GitRepository",
		"gitRepository":  map[string]any{"url": values["url"], "repositoryRef": map[string]any{"branch": values["branch"]}},
		"kustomizations": map[string]any{"kustomization-1": map[string]any{"path": values["path"], "prune": true}},
	}
	if values["httpsUser"] != "" {
		props["gitRepository"].(map[string]any)["httpsUser"] = values["httpsUser"]
	}
	if len(protected) > 0 {
		// The API takes them base64-encoded, as az k8s-configuration flux sends them.
		for k, v := range protected {
			protected[k] = base64.StdEncoding.EncodeToString([]byte(v))
		}
		props["configurationProtectedSettings"] = protected
	}
	return form, p.call(r.Context(), http.MethodPut, childPath(ref, "fluxConfigurations", values["name"]), gitops.APIVersion,
		map[string]any{"properties": props}, nil)
}

func (p *Portal) deleteExtension(r *http.Request, ref clusterRef) (formState, error) {
	name := r.PathValue("child")
	if err := nameError(extensions.ValidateName(name)); err != nil {
		return formState{Action: "delete-extension"}, err
	}
	return formState{}, p.call(r.Context(), http.MethodDelete, childPath(ref, "extensions", name), extensions.APIVersion, nil, nil)
}

func (p *Portal) deleteFlux(r *http.Request, ref clusterRef) (formState, error) {
	name := r.PathValue("child")
	if err := nameError(gitops.ValidateName(name)); err != nil {
		return formState{Action: "delete-flux"}, err
	}
	return formState{}, p.call(r.Context(), http.MethodDelete, childPath(ref, "fluxConfigurations", name), gitops.APIVersion, nil, nil)
}

// nameError is a name the API's rules refuse, as the API would answer it (400).
func nameError(err error) error {
	if err == nil {
		return nil
	}
	return &armError{Status: http.StatusBadRequest, Code: "InvalidName", Message: err.Error()}
}

// childPath is the API path of a cluster's extension or flux configuration, each name
// path-escaped.
func childPath(ref clusterRef, kind, name string) string {
	return ref.apiPath() + "/providers/Microsoft.KubernetesConfiguration/" + kind + "/" + url.PathEscape(name)
}

// keyValues parses "key=value" lines; blank lines are skipped. Its errors never quote the
// values (they may be secrets).
func keyValues(field, text string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, &armError{Status: http.StatusBadRequest, Code: "InvalidSettings",
				Message: fmt.Sprintf("%s: line %d is not key=value; write one setting per line, e.g. replicas=2.", field, i+1)}
		}
		out[k] = v
	}
	return out, nil
}
