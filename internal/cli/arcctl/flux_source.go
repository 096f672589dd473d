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

package arcctl

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// fluxSourceFlags are az's flags of the Git repository and its credentials.
type fluxSourceFlags struct {
	url, branch, tag, semver, commit string
	interval, timeout                string
	localAuthRef                     string
	sshPrivateKey, sshPrivateKeyFile string
	knownHosts, knownHostsFile       string
	httpsUser, httpsKey              string
	httpsCACert, httpsCACertFile     string
}

func (s *fluxSourceFlags) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&s.url, "url", "u", "", "URL of the Git repository: https://…, http://…, ssh://… or git@host:path")
	f.StringVar(&s.branch, "branch", "", "branch to sync")
	f.StringVar(&s.tag, "tag", "", "tag to sync")
	f.StringVar(&s.semver, "semver", "", "semver range of tags to sync, e.g. '>=1.0.0 <2.0.0'")
	f.StringVar(&s.commit, "commit", "", "commit id to sync (40 hex digits)")
	f.StringVar(&s.interval, "interval", "", "how often to fetch the repository, e.g. 10m (default 10m); --sync-interval too")
	f.StringVar(&s.timeout, "timeout", "", "how long one fetch may take, e.g. 10m (default 10m)")
	f.StringVar(&s.localAuthRef, "local-auth-ref", "", "name of a Secret in the cluster to authenticate with, instead of --ssh-private-key or --https-key")
	f.StringVar(&s.sshPrivateKey, "ssh-private-key", "", "base64-encoded SSH private key for an ssh:// URL (protected: never shown)")
	f.StringVar(&s.sshPrivateKeyFile, "ssh-private-key-file", "", "file with the SSH private key for an ssh:// URL (protected: never shown)")
	f.StringVar(&s.knownHosts, "known-hosts", "", "base64-encoded known_hosts of the SSH server")
	f.StringVar(&s.knownHostsFile, "known-hosts-file", "", "known_hosts file of the SSH server")
	f.StringVar(&s.httpsUser, "https-user", "", "user for HTTPS basic authentication (with --https-key)")
	f.StringVar(&s.httpsKey, "https-key", "", "password or token for HTTPS basic authentication (protected: never shown)")
	f.StringVar(&s.httpsCACert, "https-ca-cert", "", "base64-encoded CA certificate(s) of the HTTPS server")
	f.StringVar(&s.httpsCACertFile, "https-ca-cert-file", "", "file with the CA certificate(s) of the HTTPS server")
	f.SetNormalizeFunc(fluxAliases)
}

// fluxAliases maps az's other names of the Flux flags to ours.
func fluxAliases(f *pflag.FlagSet, name string) pflag.NormalizedName {
	switch name {
	case "sync-interval":
		name = "interval"
	case "local-ref":
		name = "local-auth-ref"
	case "ns":
		name = "namespace"
	}
	return azAliases(f, name)
}

// refFlags are the reference flags; at most one may be given.
func (s *fluxSourceFlags) ref(changed func(string) bool) (*armkc.RepositoryRefDefinition, error) {
	var set []string
	ref := &armkc.RepositoryRefDefinition{}
	for _, f := range []struct {
		name  string
		value string
		dst   **string
	}{{"branch", s.branch, &ref.Branch}, {"tag", s.tag, &ref.Tag}, {"semver", s.semver, &ref.Semver}, {"commit", s.commit, &ref.Commit}} {
		if changed(f.name) {
			if strings.TrimSpace(f.value) == "" {
				return nil, fmt.Errorf("--%s must not be empty", f.name)
			}
			set = append(set, "--"+f.name)
			*f.dst = ptr(f.value)
		}
	}
	switch len(set) {
	case 0:
		return nil, nil
	case 1:
		return ref, nil
	}
	return nil, fmt.Errorf("give only one of --branch, --tag, --semver or --commit, not %s", strings.Join(set, " and "))
}

// gitRepository builds the repository from the flags that were set (nil when none) and
// returns the protected settings, and a redactor for the secrets.
func (s *fluxSourceFlags) gitRepository(changed func(string) bool) (*armkc.GitRepositoryDefinition, map[string]*string, redactor, error) {
	g := &armkc.GitRepositoryDefinition{}
	anySet := false
	set := func(name string, dst **string, v string) {
		if changed(name) {
			*dst, anySet = ptr(v), true
		}
	}
	set("url", &g.URL, s.url)
	set("https-user", &g.HTTPSUser, s.httpsUser)
	set("local-auth-ref", &g.LocalAuthRef, s.localAuthRef)
	var err error
	if g.RepositoryRef, err = s.ref(changed); err != nil {
		return nil, nil, redactor{}, err
	}
	anySet = anySet || g.RepositoryRef != nil
	for _, d := range []struct {
		name, value string
		dst         **int64
	}{{"interval", s.interval, &g.SyncIntervalInSeconds}, {"timeout", s.timeout, &g.TimeoutInSeconds}} {
		if changed(d.name) {
			if *d.dst, err = parseSeconds("--"+d.name, d.value); err != nil {
				return nil, nil, redactor{}, err
			}
			anySet = true
		}
	}
	if g.SSHKnownHosts, err = base64Input("known-hosts", s.knownHosts, s.knownHostsFile, changed); err != nil {
		return nil, nil, redactor{}, err
	}
	if g.HTTPSCACert, err = base64Input("https-ca-cert", s.httpsCACert, s.httpsCACertFile, changed); err != nil {
		return nil, nil, redactor{}, err
	}
	anySet = anySet || g.SSHKnownHosts != nil || g.HTTPSCACert != nil
	protected, hide, err := s.protected(changed)
	if err != nil {
		return nil, nil, hide, err
	}
	if !anySet {
		g = nil
	}
	return g, protected, hide, nil
}

// protected returns the protected settings (base64 values, as az sends them) and a redactor
// hiding them in both forms.
func (s *fluxSourceFlags) protected(changed func(string) bool) (map[string]*string, redactor, error) {
	hide := redactor{}
	for _, v := range []string{s.sshPrivateKey, s.httpsKey} {
		if v != "" {
			hide.secrets = append(hide.secrets, v)
		}
	}
	out := map[string]*string{}
	key, err := base64Input("ssh-private-key", s.sshPrivateKey, s.sshPrivateKeyFile, changed)
	if err != nil {
		return nil, hide, hide.error(err)
	}
	if key != nil {
		out["sshPrivateKey"] = key
		hide.secrets = append(hide.secrets, *key)
	}
	if changed("https-key") {
		if s.httpsKey == "" {
			return nil, hide, errors.New("--https-key must not be empty")
		}
		enc := base64.StdEncoding.EncodeToString([]byte(s.httpsKey))
		out["httpsKey"] = &enc
		hide.secrets = append(hide.secrets, enc)
	}
	if len(out) == 0 {
		return nil, hide, nil
	}
	return out, hide, nil
}

// base64Input reads a value given base64-encoded (--NAME) or as a file (--NAME-file), and
// returns it base64-encoded; nil when neither is given. Errors never quote the value.
func base64Input(name, value, file string, changed func(string) bool) (*string, error) {
	switch {
	case changed(name) && changed(name+"-file"):
		return nil, fmt.Errorf("give --%s or --%s-file, not both", name, name)
	case changed(name):
		if _, err := base64.StdEncoding.DecodeString(value); err != nil || value == "" {
			return nil, fmt.Errorf("--%s must be base64-encoded; to pass a file as it is, use --%s-file", name, name)
		}
		return &value, nil
	case changed(name + "-file"):
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--%s-file: %w", name, err)
		}
		if len(data) == 0 {
			return nil, fmt.Errorf("--%s-file: %s is empty", name, file)
		}
		enc := base64.StdEncoding.EncodeToString(data)
		return &enc, nil
	}
	return nil, nil
}
