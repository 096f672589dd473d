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

package workspaces

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/google/uuid"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// change makes a workspace's record from the stored one (nil when new) and the stored
// credentials; it returns the credentials to store.
type change func(old *record, creds map[string]string) (*record, map[string]string, error)

// Put creates or replaces the workspace a PUT body, read with decode, describes; created says
// it is new. A body without credentials.bearerToken keeps the stored one (it is never read
// back, so a client cannot send it again); an empty one removes it.
func (s *Service) Put(ctx context.Context, req Request, decode nested.Decoder) (bool, *Doc, error) {
	if err := ValidateName(req.Name); err != nil {
		return false, nil, err
	}
	var in input
	if err := decode(&in); err != nil {
		return false, nil, err
	}
	if err := validateResource(in.Location, in.Tags); err != nil {
		return false, nil, err
	}
	if in.Properties == nil {
		return false, nil, nested.Missing("The property 'properties' is required, with at least 'otlpEndpoint'.")
	}
	p := in.Properties
	token := bearerToken(p.Credentials)
	if err := validateProperties(p.OTLPEndpoint, p.PrometheusRemoteWriteURL, token); err != nil {
		return false, nil, err
	}
	return s.write(ctx, req, false, func(_ *record, creds map[string]string) (*record, map[string]string, error) {
		rec := &record{Location: in.Location, Tags: in.Tags, OTLPEndpoint: p.OTLPEndpoint, PrometheusRemoteWriteURL: p.PrometheusRemoteWriteURL}
		return rec, withToken(creds, token), nil
	})
}

// Patch changes what a PATCH body, read with decode, names of a stored workspace.
func (s *Service) Patch(ctx context.Context, req Request, decode nested.Decoder) (*Doc, error) {
	var in patchInput
	if err := decode(&in); err != nil {
		return nil, err
	}
	if err := nested.ValidateTags(in.Tags); err != nil {
		return nil, err
	}
	_, doc, err := s.write(ctx, req, true, func(old *record, creds map[string]string) (*record, map[string]string, error) {
		rec := *old
		if in.Tags != nil {
			rec.Tags = in.Tags
		}
		p := in.Properties
		if p == nil {
			return &rec, creds, nil
		}
		if p.OTLPEndpoint != nil {
			rec.OTLPEndpoint = *p.OTLPEndpoint
		}
		if p.PrometheusRemoteWriteURL != nil {
			rec.PrometheusRemoteWriteURL = *p.PrometheusRemoteWriteURL
		}
		token := bearerToken(p.Credentials)
		if err := validateProperties(rec.OTLPEndpoint, rec.PrometheusRemoteWriteURL, token); err != nil {
			return nil, nil, err
		}
		return &rec, withToken(creds, token), nil
	})
	return doc, err
}

// bearerToken is the token credentials write; nil when they write none.
func bearerToken(c *Credentials) *string {
	if c == nil {
		return nil
	}
	return c.BearerToken
}

// withToken returns creds with the bearer token a request writes: kept when it writes none,
// removed when it writes "".
func withToken(creds map[string]string, token *string) map[string]string {
	if token == nil {
		return creds
	}
	out := map[string]string{}
	if *token != "" {
		out[credentialBearerToken] = *token
	}
	return out
}

// write applies a change to the requested workspace (existing: it must exist) and stores it,
// then rewrites the extensions bound to it whose values are not its own. Those are checked
// after every write, changed or not, so that a write tried again after a failed rewrite
// finishes it; a failed rewrite does not fail the write, which happened.
func (s *Service) write(ctx context.Context, req Request, existing bool, apply change) (created bool, doc *Doc, err error) {
	err = retry(req.Name, func() error {
		created, doc, err = s.writeOnce(ctx, req, existing, apply)
		return err
	})
	if err != nil {
		return created, doc, err
	}
	s.rebindAfterWrite(ctx, doc.ID)
	return created, doc, nil
}

// writeOnce is one attempt of write.
func (s *Service) writeOnce(ctx context.Context, req Request, existing bool, apply change) (bool, *Doc, error) {
	id := req.ID()
	old, res, err := s.load(ctx, id)
	if err != nil {
		return false, nil, err
	}
	if existing && old == nil {
		return false, nil, &nested.NotFoundError{ResourceType: ResourceType, ID: id}
	}
	if err := req.Match.Check(old != nil, versionOf(res)); err != nil {
		return false, nil, err
	}
	creds, err := s.openCredentials(old)
	if err != nil {
		return false, nil, err
	}
	rec, written, err := apply(old, creds)
	if err != nil {
		return false, nil, err
	}
	rec.CredentialsRevision = credentialsRevision(old, creds, written)
	if rec.SealedCredentials, err = s.sealer.Seal(written); err != nil {
		return false, nil, err
	}
	rec.Audit = s.touch(req.By, old)
	stored, err := s.save(ctx, req, rec, versionOf(res))
	if err != nil {
		return false, nil, err
	}
	return old == nil, rec.doc(stored.ID, req.Name, stored.Version), nil
}

// credentialsRevision is the CredentialsRevision of a workspace whose credentials were creds
// (old: the stored workspace, nil when new) and are now written: new when they changed.
func credentialsRevision(old *record, creds, written map[string]string) string {
	if old != nil && maps.Equal(creds, written) {
		return old.CredentialsRevision
	}
	if len(written) == 0 {
		return ""
	}
	return uuid.NewString()
}

// save stores rec as the requested workspace if it is still at version ("" absent).
func (s *Service) save(ctx context.Context, req Request, rec *record, version string) (*store.Resource, error) {
	body, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encoding workspace %s: %w", req.ID(), err)
	}
	res := &store.Resource{ID: req.ID(), Type: ResourceType, Subscription: req.Subscription, ResourceGroup: req.ResourceGroup, Body: body}
	if _, err := s.store.PutResource(ctx, res, store.AsRead(version)); err != nil {
		return nil, fmt.Errorf("storing workspace %s: %w", req.ID(), err)
	}
	return res, nil
}
