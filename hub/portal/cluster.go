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
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/customlocations"
	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/gitops"
	"github.com/kubearc/kubearc/hub/policyinsights"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// logLines is how many of the agent's latest log lines the cluster page shows.
const logLines = 50

// clusterView is the cluster page.
type clusterView struct {
	Ref        clusterRef
	Doc        clusterDoc
	Upgrade    string
	CanWrite   bool
	Extensions []*extensions.Doc
	Flux       []*gitops.Doc
	Usage      template.HTML
	Logs       []protocol.LogLine
	Policies   []policyinsights.PolicyState
	Violations []policyinsights.ComponentPolicyState
	Locations  []*customlocations.Document
	Agents     []train
	Types      []extensionType
	// Busy is set while something waits for the agent: the page refreshes itself.
	Busy bool
	// Form is what a failed action's form held (protected settings never), and its error.
	Form formState
}

// formState re-renders a form after a refused action.
type formState struct {
	Action, Error string
	Values        map[string]string
}

func (p *Portal) clusterPage(w http.ResponseWriter, r *http.Request) {
	p.showCluster(w, r, http.StatusOK, formState{})
}

// showCluster renders the cluster page with status, and form when an action failed.
func (p *Portal) showCluster(w http.ResponseWriter, r *http.Request, status int, form formState) {
	ref, ok := p.clusterFrom(w, r)
	if !ok {
		return
	}
	v, err := p.cluster(r.Context(), ref)
	if err != nil {
		p.failed(w, r, err)
		return
	}
	v.Form = form
	p.render(w, r, status, "cluster", v)
}

// clusterFrom is the cluster of the request's path; it answers 400 saying what to fix, and
// returns false, when a name breaks the API's rules.
func (p *Portal) clusterFrom(w http.ResponseWriter, r *http.Request) (clusterRef, bool) {
	ref := refFrom(r)
	if err := ref.validate(); err != nil {
		p.renderError(w, r, http.StatusBadRequest, "Bad request", "The page's address is wrong: "+err.Error()+".")
		return ref, false
	}
	return ref, true
}

// cluster reads everything the cluster page shows through the API.
func (p *Portal) cluster(ctx context.Context, ref clusterRef) (*clusterView, error) {
	v := &clusterView{Ref: ref}
	path := ref.apiPath()
	if err := p.call(ctx, http.MethodGet, path, clusterAPIVersion, nil, &v.Doc); err != nil {
		return nil, err
	}
	pr, _ := auth.PrincipalFrom(ctx)
	v.CanWrite = pr.Can(auth.Write, ref.ID())
	v.Agents = p.agentTrains(ctx)
	if len(v.Agents) > 0 && len(v.Agents[0].Versions) > 0 {
		v.Upgrade = upgrade(v.Doc.Properties.AgentVersion, v.Agents[0].Versions[0].Version)
	}
	exts, flux, err := p.children(ctx, path)
	if err != nil {
		return nil, err
	}
	v.Extensions, v.Flux = exts.Value, flux.Value
	v.Busy = busy(v)
	if v.CanWrite {
		v.Types = p.extensionTypes(ctx)
	}
	usage, err := p.usage(ctx, path)
	if err != nil {
		return nil, err
	}
	v.Usage = usageChart(usage)
	if v.Logs, err = p.logs(ctx, path); err != nil {
		return nil, err
	}
	return v, p.related(ctx, v)
}

// related reads the cluster's policy states, violations and custom locations.
func (p *Portal) related(ctx context.Context, v *clusterView) error {
	var err error
	if v.Policies, err = p.policyStates(ctx, v.Ref.apiPath()); err != nil {
		return err
	}
	if v.Violations, err = p.violations(ctx, v.Ref.apiPath()); err != nil {
		return err
	}
	v.Locations, err = p.customLocations(ctx, v.Ref)
	return err
}

// busy reports whether anything on the cluster waits for its agent.
func busy(v *clusterView) bool {
	for _, e := range v.Extensions {
		if s := e.Properties.ProvisioningState; s != "Succeeded" && s != "Failed" && s != "Canceled" {
			return true
		}
	}
	for _, f := range v.Flux {
		if s := f.Properties.ProvisioningState; s != "Succeeded" && s != "Failed" && s != "Canceled" {
			return true
		}
	}
	return false
}

const diagnosticsBase = "/kubearc/v1"

// usage reads the agent's usage of the last day through the API.
func (p *Portal) usage(ctx context.Context, id string) ([]store.UsageSample, error) {
	var out struct {
		Value []store.UsageSample `json:"value"`
	}
	err := p.call(ctx, http.MethodGet, diagnosticsBase+id+"/usage?since=24h", "", nil, &out)
	return out.Value, err
}

// logs reads the agent's latest log lines of the last hour through the API.
func (p *Portal) logs(ctx context.Context, id string) ([]protocol.LogLine, error) {
	raw, err := p.callRaw(ctx, http.MethodGet, diagnosticsBase+id+"/logs?since=1h", "", nil)
	if err != nil {
		return nil, err
	}
	var lines []protocol.LogLine
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		var l protocol.LogLine
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			lines = append(lines, l)
		}
	}
	if len(lines) > logLines {
		lines = lines[len(lines)-logLines:]
	}
	return lines, nil
}
