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
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
)

// Property names in messages.
const (
	fieldOTLPEndpoint = "properties.otlpEndpoint"
	fieldRemoteWrite  = "properties.prometheusRemoteWriteUrl"
	fieldBearerToken  = "properties.credentials.bearerToken"
)

// maxTokenLength bounds a bearer token; it travels in an HTTP header.
const maxTokenLength = 8192

// nameRE is a workspace name as Azure takes it: 4 to 63 letters, digits and hyphens, starting
// and ending with a letter or digit.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$`)

// ValidateName checks a workspace's name.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) {
		return nested.Invalid("The workspace name '%s' is invalid: use 4 to 63 letters, digits and hyphens, starting and ending with a letter or digit.", name)
	}
	return nil
}

// validateResource checks what a workspace shares with every hub resource: its location
// (required) and tags.
func validateResource(location string, tags map[string]string) error {
	if err := nested.ValidateLocation(location); err != nil {
		return err
	}
	return nested.ValidateTags(tags)
}

// input is a PUT body.
type input struct {
	Location   string            `json:"location"`
	Tags       map[string]string `json:"tags"`
	Properties *Properties       `json:"properties"`
}

// patchInput is a PATCH body: what it names changes; an empty prometheusRemoteWriteUrl or
// bearerToken removes it.
type patchInput struct {
	Tags       map[string]string `json:"tags"`
	Properties *struct {
		OTLPEndpoint             *string      `json:"otlpEndpoint"`
		PrometheusRemoteWriteURL *string      `json:"prometheusRemoteWriteUrl"`
		Credentials              *Credentials `json:"credentials"`
	} `json:"properties"`
}

// validateProperties checks a workspace's endpoints and credential.
func validateProperties(otlp, remoteWrite string, token *string) error {
	if otlp == "" {
		return nested.Missing("The property '%s' is required, e.g. https://otlp.example.com:4318.", fieldOTLPEndpoint)
	}
	if err := validateURL(fieldOTLPEndpoint, otlp); err != nil {
		return err
	}
	if remoteWrite != "" {
		if err := validateURL(fieldRemoteWrite, remoteWrite); err != nil {
			return err
		}
	}
	if token == nil {
		return nil
	}
	return validateToken(*token)
}

// validateURL checks an endpoint: https, or http to a loopback host only (a collector on the
// same machine, as in tests); no user information, whose secret belongs in the credentials.
func validateURL(field, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nested.Invalid("The property '%s' must be an absolute https:// URL with a host.", field)
	}
	if u.User != nil {
		return nested.Invalid("The property '%s' must not hold user information; set 'properties.credentials.bearerToken' instead.", field)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return nested.Invalid("The property '%s' must use https://; http:// is taken for a loopback host only (localhost, 127.0.0.1, ::1), not '%s'.", field, u.Hostname())
	}
	return nested.Invalid("The property '%s' must use https://, not '%s'.", field, u.Scheme)
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateToken checks a bearer token without quoting it; "" removes the credential.
func validateToken(token string) error {
	if len(token) > maxTokenLength {
		return nested.Invalid("The property '%s' is longer than %d characters.", fieldBearerToken, maxTokenLength)
	}
	for _, c := range token {
		if c < 0x21 || c > 0x7e {
			return nested.Invalid("The property '%s' must be printable ASCII without spaces (it is sent in an HTTP header).", fieldBearerToken)
		}
	}
	return nil
}
