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

package gitops

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
)

// scpLikeRE is git's scp-like SSH syntax, user@host:path (git@github.com:org/repo.git).
var scpLikeRE = regexp.MustCompile(`^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):([^/].*|/.+)$`)

const urlField = "properties.gitRepository.url"

// urlKind checks a repository URL and returns its kind: http, https or ssh. The URL is not
// quoted when it holds a password.
func urlKind(raw string) (string, error) {
	if raw == "" {
		return "", nested.Missing("The property '%s' is required, e.g. https://github.com/org/repo or ssh://git@github.com/org/repo.", urlField)
	}
	if scpLikeRE.MatchString(raw) {
		return "ssh", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", nested.Invalid("The property '%s' is not a valid URL; use http://, https://, ssh:// or git@host:path.", urlField)
	}
	if _, hasPassword := u.User.Password(); hasPassword {
		return "", nested.Invalid("The property '%s' must not hold a password; set 'gitRepository.httpsUser' and the protected setting 'httpsKey' instead.", urlField)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https" && scheme != "ssh":
		return "", nested.Invalid("The property '%s' must use http://, https://, ssh:// or git@host:path, not '%s'.", urlField, raw)
	case u.Host == "":
		return "", nested.Invalid("The property '%s' has no host: '%s'.", urlField, raw)
	case strings.Trim(u.Path, "/") == "":
		return "", nested.Invalid("The property '%s' has no repository path: '%s'.", urlField, raw)
	}
	return scheme, nil
}

// FluxURL is the URL as Flux accepts it: git@host:path becomes ssh://git@host/path.
func FluxURL(raw string) string {
	m := scpLikeRE.FindStringSubmatch(raw)
	if m == nil {
		return raw
	}
	return "ssh://" + m[1] + "@" + m[2] + "/" + strings.TrimPrefix(m[3], "/")
}
