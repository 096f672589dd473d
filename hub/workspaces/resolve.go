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
	"strings"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/armid"
)

// ResolveWorkspace returns the workspace id, which the extension setting names, with its
// credential in plaintext (for the extension's protected settings only), if mayUse lets the
// caller use it. An ID that is not a workspace's, or a workspace that does not exist, is an
// InvalidError naming the setting; the right is checked before the workspace is read, so a
// caller learns nothing of workspaces it may not use.
func (s *Service) ResolveWorkspace(ctx context.Context, setting, id string, mayUse func(string) error) (*extensions.Workspace, error) {
	if err := checkID(id); err != nil {
		return nil, nested.Invalid("The configuration setting '%s' must be a workspace's ID, "+
			"/subscriptions/{subscription}/resourceGroups/{group}/providers/%s/{name}: %s.", setting, ResourceType, err)
	}
	if err := mayUse(id); err != nil {
		return nil, err
	}
	rec, res, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, nested.Invalid("The configuration setting '%s' names the workspace '%s', which does not exist; create it first (arcctl monitoring workspace create).", setting, id)
	}
	return s.resolved(rec, res.Version)
}

// resolved is the workspace rec, stored at version, as an extension gets it.
func (s *Service) resolved(rec *record, version string) (*extensions.Workspace, error) {
	creds, err := s.openCredentials(rec)
	if err != nil {
		return nil, err
	}
	return &extensions.Workspace{OTLPEndpoint: rec.OTLPEndpoint, PrometheusRemoteWriteURL: rec.PrometheusRemoteWriteURL,
		BearerToken: creds[credentialBearerToken], CredentialsRevision: rec.CredentialsRevision, Version: version}, nil
}

// checkID checks that id has the shape of a workspace's ARM ID; the error says what is wrong.
func checkID(id string) error {
	parts := strings.Split(id, "/")
	if len(parts) != 9 || parts[0] != "" || !strings.EqualFold(parts[1], "subscriptions") ||
		!strings.EqualFold(parts[3], "resourceGroups") || !strings.EqualFold(parts[5], "providers") ||
		!strings.EqualFold(parts[6]+"/"+parts[7], ResourceType) {
		return errShape
	}
	if err := armid.ValidateSubscription(parts[2]); err != nil {
		return err
	}
	if err := armid.ValidateResourceGroup(parts[4]); err != nil {
		return err
	}
	if !nameRE.MatchString(parts[8]) {
		return errName
	}
	return nil
}

// Reasons an ID is not a workspace's.
var (
	errShape = shapeError("it is not of that shape")
	errName  = shapeError("its name must be 4 to 63 letters, digits and hyphens")
)

// shapeError is why an ID is not a workspace's.
type shapeError string

func (e shapeError) Error() string { return string(e) }

// nameOf is the last segment of an ARM ID.
func nameOf(id string) string { return id[strings.LastIndex(id, "/")+1:] }
