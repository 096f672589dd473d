// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// definitionRecord is a stored custom definition.
type definitionRecord struct {
	Properties DefinitionProperties `json:"properties"`
	// FetchedTemplate is the template its PublicURL named when it was written.
	FetchedTemplate string            `json:"fetchedTemplate,omitempty"`
	Audit           nested.SystemData `json:"audit"`
}

// decodeDefinition reads a stored custom definition.
func decodeDefinition(res *store.Resource) (*definitionRecord, error) {
	var rec definitionRecord
	if err := json.Unmarshal(res.Body, &rec); err != nil {
		return nil, fmt.Errorf("decoding the stored policy definition %s: %w", res.ID, err)
	}
	return &rec, nil
}

// parseStoredDefinition reads and checks a stored custom definition.
func parseStoredDefinition(res *store.Resource) (*Definition, error) {
	rec, err := decodeDefinition(res)
	if err != nil {
		return nil, err
	}
	d, err := ParseDefinition(res.ID, rec.Properties, rec.FetchedTemplate)
	if err != nil {
		return nil, err
	}
	d.Version = res.Version
	return d, nil
}

// storedDoc is a stored custom definition's document.
func storedDoc(res *store.Resource) (*DefinitionDoc, error) {
	rec, err := decodeDefinition(res)
	if err != nil {
		return nil, err
	}
	d := &Definition{ID: res.ID, Version: res.Version, Properties: rec.Properties}
	return d.Doc(rec.Audit.Shown()), nil
}

// PutDefinition creates or replaces the custom definition req.Name of req.Scope's
// subscription as a PUT body, read with decode, asks. A PublicURL template is fetched now.
// The assignments of a changed definition are resolved anew and pushed in the same write;
// one that no longer fits refuses the change.
func (s *Service) PutDefinition(ctx context.Context, req Request, decode nested.Decoder) (*DefinitionDoc, error) {
	in, err := decodePut[DefinitionProperties]("policy definition", req.Name, decode)
	if err != nil {
		return nil, err
	}
	props := *in.Properties
	if props.PolicyType != "" && !strings.EqualFold(props.PolicyType, PolicyTypeCustom) && !strings.EqualFold(props.PolicyType, "NotSpecified") {
		return nil, nested.Invalid("The property 'properties.policyType' is '%s'; a definition written through the API is Custom.", props.PolicyType)
	}
	props.PolicyType = PolicyTypeCustom
	fetched := ""
	if url := PublicURL(props); url != "" {
		if fetched, err = s.fetcher.Fetch(ctx, url); err != nil {
			return nil, err
		}
	}
	def, err := ParseDefinition(req.Scope.definitionID(req.Name), props, fetched)
	if err != nil {
		return nil, err
	}
	var doc *DefinitionDoc
	err = retry("policy definition", req.Name, func() (err error) {
		doc, err = s.putDefinitionOnce(ctx, req, def, fetched)
		return err
	})
	return doc, err
}

// putDefinitionOnce is one attempt of PutDefinition.
func (s *Service) putDefinitionOnce(ctx context.Context, req Request, def *Definition, fetched string) (*DefinitionDoc, error) {
	old, err := s.get(ctx, def.ID)
	if err != nil {
		return nil, err
	}
	if err := req.Match.Check(old != nil, versionOf(old)); err != nil {
		return nil, err
	}
	rec := &definitionRecord{Properties: def.Properties, FetchedTemplate: fetched, Audit: s.touch(req.By, nil)}
	if old != nil {
		prev, err := decodeDefinition(old)
		if err != nil {
			return nil, err
		}
		rec.Audit = s.touch(req.By, &prev.Audit)
	}
	p, err := s.redefine(ctx, req.Scope.Subscription, def)
	if err != nil {
		return nil, err
	}
	if err := s.addGatekeeper(ctx, p.first, req.By); err != nil {
		return nil, err
	}
	body, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	res := &store.Resource{ID: def.ID, Type: DefinitionType, Subscription: req.Scope.Subscription, Body: body}
	if _, err := s.store.PutResource(ctx, res, p.precondition(store.AsRead(versionOf(old))), p.changes...); err != nil {
		return nil, fmt.Errorf("storing policy definition %s: %w", def.ID, err)
	}
	def.Version = res.Version
	return def.Doc(rec.Audit.Shown()), nil
}

// redefine plans the push of every assignment of def's ID with def: its PolicySyncs as def
// makes them, on the condition that the assignments are unchanged. An assignment that does
// not fit def refuses it.
func (s *Service) redefine(ctx context.Context, sub string, def *Definition) (*plan, error) {
	before, err := s.loadState(ctx, sub)
	if err != nil {
		return nil, err
	}
	p := &plan{}
	refs := before.referencing(def.ID)
	if len(refs) == 0 {
		return p, nil
	}
	clusters, err := s.clustersIn(ctx, "/subscriptions/"+sub)
	if err != nil {
		return nil, err
	}
	for _, a := range refs {
		next, err := newEntry(a, def)
		if err != nil {
			return nil, nested.Invalid("The policy definition cannot change this way: its assignment '%s' would no longer be valid: %v", a.ID, err)
		}
		p.push(before, clusters, before.entry(a), next)
		p.relate(map[string]string{a.ID: a.Version})
	}
	return p, nil
}

// GetDefinition returns the definition id: a built-in (/providers/…) or a custom one.
func (s *Service) GetDefinition(ctx context.Context, id string) (*DefinitionDoc, error) {
	if d := s.builtins.get(id); d != nil {
		return d.Doc(nil), nil
	}
	res, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if res == nil || !strings.EqualFold(res.Type, DefinitionType) {
		return nil, &nested.NotFoundError{ResourceType: DefinitionType, ID: id}
	}
	return storedDoc(res)
}

// ListDefinitions returns the built-in definitions, then, when sub is not empty, the custom
// ones of the subscription, sorted by ID.
func (s *Service) ListDefinitions(ctx context.Context, sub string) ([]*DefinitionDoc, error) {
	docs := make([]*DefinitionDoc, 0, len(s.builtins))
	for _, d := range s.builtins {
		docs = append(docs, d.Doc(nil))
	}
	if sub == "" {
		return docs, nil
	}
	custom, err := s.list(ctx, DefinitionType, sub)
	if err != nil {
		return nil, err
	}
	for _, res := range custom {
		doc, err := storedDoc(res)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// DeleteDefinition deletes the custom definition id; false when there was none. A definition
// that assignments use is not deleted (409): delete them first.
func (s *Service) DeleteDefinition(ctx context.Context, req Request) (bool, error) {
	id := req.Scope.definitionID(req.Name)
	var deleted bool
	err := retry("policy definition", req.Name, func() (err error) {
		deleted, err = s.deleteDefinitionOnce(ctx, req, id)
		return err
	})
	return deleted, err
}

// deleteDefinitionOnce is one attempt of DeleteDefinition.
func (s *Service) deleteDefinitionOnce(ctx context.Context, req Request, id string) (bool, error) {
	res, err := s.get(ctx, id)
	if err != nil || res == nil {
		return false, err
	}
	if err := req.Match.Check(true, res.Version); err != nil {
		return false, err
	}
	st, err := s.loadState(ctx, req.Scope.Subscription)
	if err != nil {
		return false, err
	}
	if refs := st.referencing(id); len(refs) > 0 {
		return false, &nested.ConflictError{Message: fmt.Sprintf(
			"The policy definition '%s' is used by %d policy assignments, e.g. '%s'; delete them first.", id, len(refs), refs[0].ID)}
	}
	if err := s.store.DeleteResource(ctx, id, store.IfVersion(res.Version)); err != nil {
		return false, fmt.Errorf("deleting policy definition %s: %w", id, err)
	}
	return true, nil
}
