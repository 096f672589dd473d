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
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/nested"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// input parses a PUT body the way the API does.
func input(t *testing.T, body string) *Input {
	t.Helper()
	var in Input
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatalf("test body: %v", err)
	}
	return &in
}

// withGit wraps a gitRepository and extra properties into a PUT body.
func withGit(git, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return `{"properties":{"gitRepository":` + git + extra + `}}`
}

const okGit = `{"url":"https://github.com/org/repo","repositoryRef":{"branch":"main"}}`

func TestFromPutValidation(t *testing.T) {
	b64 := "c2VjcmV0" // "secret"
	tests := []struct {
		name, body string
		// want is the message the user sees ("" = accepted); missing says MissingRequiredProperty.
		want    string
		missing bool
	}{
		{"minimal", withGit(okGit, ""), "", false},
		{"null other sources and enums in another case", withGit(okGit, `"bucket":null,"azureBlob":null,"scope":"Cluster","sourceKind":"gitrepository"`), "", false},
		{"no properties", `{}`, "The property 'properties' is required.", true},
		{"no gitRepository", `{"properties":{}}`, "'properties.gitRepository' is required", true},
		{"bucket refused", `{"properties":{"sourceKind":"Bucket","bucket":{"url":"https://s3"}}}`, "supports sourceKind GitRepository only", false},
		{"sourceKind OCIRepository", withGit(okGit, `"sourceKind":"OCIRepository"`), "'properties.sourceKind' is 'OCIRepository', which this hub does not support", false},
		{"bad scope", withGit(okGit, `"scope":"tenant"`), "'properties.scope' must be 'cluster' or 'namespace', not 'tenant'", false},
		{"bad namespace", withGit(okGit, `"namespace":"Apps_1"`), "'properties.namespace' must be a Kubernetes namespace name", false},
		{"no url", withGit(`{"repositoryRef":{"branch":"main"}}`, ""), "'properties.gitRepository.url' is required", true},
		{"ftp url", withGit(`{"url":"ftp://h/r","repositoryRef":{"branch":"main"}}`, ""), "must use http://, https://, ssh:// or git@host:path, not 'ftp://h/r'", false},
		{"url without host", withGit(`{"url":"https:///r","repositoryRef":{"branch":"main"}}`, ""), "has no host", false},
		{"url without path", withGit(`{"url":"https://github.com","repositoryRef":{"branch":"main"}}`, ""), "has no repository path", false},
		{"url with password", withGit(`{"url":"https://u:hunter2@h/r","repositoryRef":{"branch":"main"}}`, ""), "must not hold a password", false},
		{"scp-like url", withGit(`{"url":"git@github.com:org/repo.git","repositoryRef":{"branch":"main"}}`, ""), "", false},
		{"ssh url", withGit(`{"url":"ssh://git@github.com/org/repo","repositoryRef":{"tag":"v1"}}`, ""), "", false},
		{"no ref", withGit(`{"url":"https://h/r"}`, ""), "'properties.gitRepository.repositoryRef' is required", true},
		{"empty ref", withGit(`{"url":"https://h/r","repositoryRef":{}}`, ""), "must set one of branch, tag, semver or commit", true},
		{"two refs", withGit(`{"url":"https://h/r","repositoryRef":{"branch":"main","tag":"v1"}}`, ""), "sets branch and tag; set exactly one", false},
		{"bad semver", withGit(`{"url":"https://h/r","repositoryRef":{"semver":"not a range"}}`, ""), "'properties.gitRepository.repositoryRef.semver' is not a semver range", false},
		{"good semver", withGit(`{"url":"https://h/r","repositoryRef":{"semver":">=1.0.0 <2.0.0"}}`, ""), "", false},
		{"short commit", withGit(`{"url":"https://h/r","repositoryRef":{"commit":"abc123"}}`, ""), "must be a full commit id", false},
		{"bad branch", withGit(`{"url":"https://h/r","repositoryRef":{"branch":"a b"}}`, ""), "'properties.gitRepository.repositoryRef.branch' is not a valid git reference name", false},
		{"zero timeout", withGit(`{"url":"https://h/r","repositoryRef":{"branch":"m"},"timeoutInSeconds":0}`, ""), "'properties.gitRepository.timeoutInSeconds' must be between 1 and 2592000 seconds (30 days), not 0", false},
		{"negative interval", withGit(`{"url":"https://h/r","repositoryRef":{"branch":"m"},"syncIntervalInSeconds":-5}`, ""), "'properties.gitRepository.syncIntervalInSeconds' must be between 1", false},
		{"known hosts not base64", withGit(`{"url":"ssh://git@h/r","repositoryRef":{"branch":"m"},"sshKnownHosts":"h ssh-ed25519 AAAA"}`, ""), "'properties.gitRepository.sshKnownHosts' must be base64-encoded", false},
		{"ssh key with https url", withGit(okGit, `"configurationProtectedSettings":{"sshPrivateKey":"`+b64+`"}`), "'sshPrivateKey' needs an ssh:// (or git@host:path) repository URL", false},
		{"ssh key with ssh url", withGit(`{"url":"ssh://git@h/r","repositoryRef":{"branch":"m"}}`, `"configurationProtectedSettings":{"sshPrivateKey":"`+b64+`"}`), "", false},
		{"known hosts with https", withGit(`{"url":"https://h/r","repositoryRef":{"branch":"m"},"sshKnownHosts":"`+b64+`"}`, ""), "'properties.gitRepository.sshKnownHosts' needs an ssh://", false},
		{"https user without key", withGit(`{"url":"https://h/r","repositoryRef":{"branch":"m"},"httpsUser":"bob"}`, ""), "'properties.gitRepository.httpsUser' needs the protected setting 'httpsKey'", false},
		{"https key without user", withGit(okGit, `"configurationProtectedSettings":{"httpsKey":"`+b64+`"}`), "'httpsKey' needs 'properties.gitRepository.httpsUser'", false},
		{"https user and key", withGit(`{"url":"https://h/r","repositoryRef":{"branch":"m"},"httpsUser":"bob"}`, `"configurationProtectedSettings":{"httpsKey":"`+b64+`"}`), "", false},
		{"https key on ssh", withGit(`{"url":"ssh://git@h/r","repositoryRef":{"branch":"m"},"httpsUser":"bob"}`, `"configurationProtectedSettings":{"httpsKey":"`+b64+`"}`), "need an http(s):// repository URL", false},
		{"protected not base64", withGit(`{"url":"ssh://git@h/r","repositoryRef":{"branch":"m"}}`, `"configurationProtectedSettings":{"sshPrivateKey":"-----BEGIN KEY"}`), "The value of 'sshPrivateKey' in 'properties.configurationProtectedSettings' must be base64-encoded", false},
		{"protected unknown key", withGit(okGit, `"configurationProtectedSettings":{"password":"`+b64+`"}`), "The key 'password' of 'properties.configurationProtectedSettings' is unknown", false},
		{"protected null", withGit(okGit, `"configurationProtectedSettings":{"httpsKey":null}`), "must be a base64 string, not null", false},
		{"ca cert with http", withGit(`{"url":"http://h/r","repositoryRef":{"branch":"m"},"httpsCACert":"`+b64+`"}`, ""), "'properties.gitRepository.httpsCACert' needs an https://", false},
		{"localAuthRef and keys", withGit(`{"url":"ssh://git@h/r","repositoryRef":{"branch":"m"},"localAuthRef":"creds"}`, `"configurationProtectedSettings":{"sshPrivateKey":"`+b64+`"}`), "remove 'properties.configurationProtectedSettings' or localAuthRef", false},
		{"kustomization name", withGit(okGit, `"kustomizations":{"Apps":{"path":"./apps"}}`), "The kustomization name 'Apps' is invalid", false},
		{"kustomization null", withGit(okGit, `"kustomizations":{"apps":null}`), "The kustomization 'apps' in 'properties.kustomizations' is null", false},
		{"kustomization path escapes", withGit(okGit, `"kustomizations":{"apps":{"path":"../other"}}`), "'properties.kustomizations.apps.path' must stay inside the repository", false},
		{"kustomization timeout", withGit(okGit, `"kustomizations":{"apps":{"timeoutInSeconds":0}}`), "'properties.kustomizations.apps.timeoutInSeconds' must be between 1", false},
		{"retry interval", withGit(okGit, `"kustomizations":{"apps":{"retryIntervalInSeconds":99999999}}`), "'properties.kustomizations.apps.retryIntervalInSeconds' must be between 1", false},
		{"depends on unknown", withGit(okGit, `"kustomizations":{"apps":{"dependsOn":["infra"]}}`), "The kustomization 'apps' depends on 'infra', which is not a kustomization of this configuration (it has: apps)", false},
		{"depends on itself", withGit(okGit, `"kustomizations":{"apps":{"dependsOn":["apps"]}}`), "The kustomization 'apps' depends on itself", false},
		{"cycle", withGit(okGit, `"kustomizations":{"a":{"dependsOn":["c"]},"b":{"dependsOn":["a"]},"c":{"dependsOn":["b"]}}`), "in a cycle: a -> c -> b -> a", false},
		{"chain", withGit(okGit, `"kustomizations":{"infra":{},"apps":{"dependsOn":["infra"]}}`), "", false},
		{"substitute var", withGit(okGit, `"kustomizations":{"apps":{"postBuild":{"substitute":{"1x":"y"}}}}`), "The variable '1x' in 'properties.kustomizations.apps.postBuild.substitute' is invalid", false},
		{"substituteFrom kind", withGit(okGit, `"kustomizations":{"apps":{"postBuild":{"substituteFrom":[{"kind":"Pod","name":"v"}]}}}`), "'properties.kustomizations.apps.postBuild.substituteFrom[0].kind' must be ConfigMap or Secret", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromPut(input(t, tt.body))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ie *nested.InvalidError
			if !errors.As(err, &ie) || !strings.Contains(ie.Message, tt.want) || ie.Missing != tt.missing {
				t.Fatalf("error = %#v, want a message with %q (missing %v)", err, tt.want, tt.missing)
			}
			if strings.Contains(ie.Message, b64) || strings.Contains(ie.Message, "hunter2") || strings.Contains(ie.Message, "BEGIN KEY") {
				t.Errorf("the message shows a secret: %s", ie.Message)
			}
		})
	}
}

func TestFromPutDefaults(t *testing.T) {
	c, err := FromPut(input(t, withGit(okGit, `"kustomizations":{"apps":{"path":"./apps","prune":true}}`)))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Spec
	if s.Scope != protocol.ScopeCluster || s.Namespace != "default" || s.SourceKind != "GitRepository" || s.Suspend ||
		s.GitRepository.RepositoryRef.Branch != "main" || !s.Kustomizations["apps"].Prune || c.Protected != nil {
		t.Errorf("spec = %+v, protected %v", s, c.Protected)
	}
}

func TestFromPatchMerges(t *testing.T) {
	c, err := FromPut(input(t, withGit(`{"url":"https://h/r","repositoryRef":{"branch":"main"},"httpsUser":"bob"}`,
		`"kustomizations":{"infra":{"path":"./infra"},"apps":{"path":"./apps","dependsOn":["infra"]}},"configurationProtectedSettings":{"httpsKey":"a2V5"}`)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, patch, want string
		check             func(*Change) bool
	}{
		{"suspend only", `{"properties":{"suspend":true}}`, "", func(c *Change) bool {
			return c.Spec.Suspend && c.Spec.GitRepository.HTTPSUser == "bob" && c.Protected["httpsKey"] == "a2V5" && len(c.Spec.Kustomizations) == 2
		}},
		{"ref replaced", `{"properties":{"gitRepository":{"repositoryRef":{"tag":"v2"}}}}`, "", func(c *Change) bool {
			return c.Spec.GitRepository.RepositoryRef.Tag == "v2" && c.Spec.GitRepository.RepositoryRef.Branch == "" && c.Spec.GitRepository.URL == "https://h/r"
		}},
		{"kustomization field merged", `{"properties":{"kustomizations":{"apps":{"prune":true}}}}`, "", func(c *Change) bool {
			return c.Spec.Kustomizations["apps"].Prune && c.Spec.Kustomizations["apps"].Path == "./apps"
		}},
		{"removing a needed kustomization", `{"properties":{"kustomizations":{"infra":null}}}`, "depends on 'infra', which is not a kustomization", nil},
		{"removing both", `{"properties":{"kustomizations":{"infra":null,"apps":null}}}`, "", func(c *Change) bool { return c.Spec.Kustomizations == nil }},
		{"removing the https key", `{"properties":{"configurationProtectedSettings":{"httpsKey":null}}}`, "needs the protected setting 'httpsKey'", nil},
		{"switching to ssh needs the https auth gone", `{"properties":{"gitRepository":{"url":"ssh://git@h/r"}}}`, "need an http(s):// repository URL", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromPatch(c.Spec, c.Protected, input(t, tt.patch))
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error = %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil || !tt.check(got) {
				t.Fatalf("patched = %+v %v (err %v)", got.Spec, got.Protected, err)
			}
		})
	}
	if c.Spec.Suspend || len(c.Spec.Kustomizations) != 2 || c.Protected["httpsKey"] != "a2V5" || c.Spec.GitRepository.RepositoryRef.Branch != "main" {
		t.Errorf("a patch changed the stored spec: %+v", c.Spec)
	}
}

func TestFluxURL(t *testing.T) {
	for in, want := range map[string]string{
		"git@github.com:org/repo.git":  "ssh://git@github.com/org/repo.git",
		"ssh://git@github.com/org/r":   "ssh://git@github.com/org/r",
		"https://github.com/org/r.git": "https://github.com/org/r.git",
	} {
		if got := FluxURL(in); got != want {
			t.Errorf("FluxURL(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestValidateName(t *testing.T) {
	for name, ok := range map[string]bool{"cfg-1": true, "Cfg": false, "-a": false, strings.Repeat("a", 31): false, "a": true} {
		if err := ValidateName(name); (err == nil) != ok {
			t.Errorf("ValidateName(%s) = %v, want ok %v", name, err, ok)
		}
	}
}
