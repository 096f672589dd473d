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
	"encoding/base64"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/policytemplate"
)

// Template sources of a Kubernetes definition's templateInfo.sourceType.
const (
	SourceBase64 = "Base64Encoded"
	SourcePublic = "PublicURL"
)

// MaxTemplateBytes bounds a ConstraintTemplate: it travels to every cluster an assignment of
// its definition applies to.
const MaxTemplateBytes = 256 << 10

// templateInfo is where a Kubernetes definition's ConstraintTemplate comes from.
type templateInfo struct {
	SourceType string `json:"sourceType"`
	Content    string `json:"content,omitempty"`
	URL        string `json:"url,omitempty"`
}

// templateField is the JSON path of a definition's templateInfo.
const templateField = "properties.policyRule.then.details.templateInfo"

// content returns the template info names: the content decoded, or fetched, the content a
// PublicURL had when the definition was written.
func (ti *templateInfo) content(fetched string) (string, error) {
	switch {
	case strings.EqualFold(ti.SourceType, SourceBase64):
		if ti.Content == "" {
			return "", nested.Missing("The property '%s.content' is required with sourceType %s: the ConstraintTemplate, base64-encoded.", templateField, SourceBase64)
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(ti.Content))
		if err != nil {
			return "", nested.Invalid("The property '%s.content' is not base64: %v.", templateField, err)
		}
		return string(raw), nil
	case strings.EqualFold(ti.SourceType, SourcePublic):
		if ti.URL == "" {
			return "", nested.Missing("The property '%s.url' is required with sourceType %s.", templateField, SourcePublic)
		}
		return fetched, nil
	}
	return "", nested.Invalid("The property '%s.sourceType' is '%s'; it must be %s or %s.", templateField, ti.SourceType, SourceBase64, SourcePublic)
}

// checkTemplate checks that content is a Gatekeeper ConstraintTemplate (YAML or JSON) that
// the agent applies, with the agent's own check (policytemplate); from names where it came
// from in messages.
func checkTemplate(content, from string) error {
	if len(content) > MaxTemplateBytes {
		return nested.Invalid("The ConstraintTemplate of %s is larger than %d bytes.", from, MaxTemplateBytes)
	}
	if _, err := policytemplate.Parse(content); err != nil {
		return nested.Invalid("The ConstraintTemplate of %s is invalid: %v.", from, err)
	}
	return nil
}
