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
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestFluxCreateFlags(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(keyFile, []byte("KEY"), 0o600); err != nil {
		t.Fatal(err)
	}
	hostsFile := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(hostsFile, []byte("h ssh-ed25519 AAAA"), 0o600); err != nil {
		t.Fatal(err)
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	const base = "-c store -g rg -n cfg --url https://github.com/org/repo "
	const git = `"gitRepository":{"repositoryRef":{"branch":"main"},"url":"https://github.com/org/repo"}`
	const head = `{"properties":{`
	const tail = `"namespace":"default","scope":"cluster","sourceKind":"GitRepository"}}`
	for _, tc := range []struct {
		name, args, want, wantErr string
	}{
		{name: "a branch", args: base + "--branch main", want: head + git + "," + tail},
		{name: "az's kustomization syntax", args: base + "--branch main --kustomization name=infra path=./infra prune=true " +
			`--kustomization name=apps path=./apps depends_on=["infra"] sync_interval=5m retry_interval=1m timeout=2m force=true wait=false`,
			want: head + git + `,"kustomizations":{"apps":{"dependsOn":["infra"],"force":true,"path":"./apps","retryIntervalInSeconds":60,` +
				`"syncIntervalInSeconds":300,"timeoutInSeconds":120,"wait":false},"infra":{"path":"./infra","prune":true}},` + tail},
		{name: "the = form and disable_health_check", args: base + "--branch main --kustomization=name=apps disable_health_check=true dependsOn=a,b",
			want: head + git + `,"kustomizations":{"apps":{"dependsOn":["a","b"],"wait":false}},` + tail},
		{name: "interval, timeout, scope and namespace", args: base + "--tag v1.2.0 --interval 1h30m --timeout 90 --scope namespace --ns apps --suspend",
			want: head + `"gitRepository":{"repositoryRef":{"tag":"v1.2.0"},"syncIntervalInSeconds":5400,"timeoutInSeconds":90,"url":"https://github.com/org/repo"},` +
				`"namespace":"apps","scope":"namespace","sourceKind":"GitRepository","suspend":true}}`},
		{name: "az's --sync-interval", args: base + "--commit 0123456789abcdef0123456789abcdef01234567 --sync-interval 2m",
			want: head + `"gitRepository":{"repositoryRef":{"commit":"0123456789abcdef0123456789abcdef01234567"},"syncIntervalInSeconds":120,"url":"https://github.com/org/repo"},` + tail},
		{name: "ssh key and known hosts from files", args: "-c store -g rg -n cfg --url ssh://git@h/r --branch main --ssh-private-key-file " + keyFile + " --known-hosts-file " + hostsFile,
			want: head + `"configurationProtectedSettings":{"sshPrivateKey":"` + b64("KEY") + `"},"gitRepository":{"repositoryRef":{"branch":"main"},"sshKnownHosts":"` +
				b64("h ssh-ed25519 AAAA") + `","url":"ssh://git@h/r"},` + tail},
		{name: "https user and key, key base64-encoded as az does", args: base + "--branch main --https-user bob --https-key s3cret --https-ca-cert " + b64("CA"),
			want: head + `"configurationProtectedSettings":{"httpsKey":"` + b64("s3cret") + `"},"gitRepository":{"httpsCACert":"` + b64("CA") +
				`","httpsUser":"bob","repositoryRef":{"branch":"main"},"url":"https://github.com/org/repo"},` + tail},
		{name: "no reference", args: base, wantErr: "give the reference to sync: one of --branch, --tag, --semver or --commit"},
		{name: "two references", args: base + "--branch main --tag v1", wantErr: "give only one of --branch, --tag, --semver or --commit, not --branch and --tag"},
		{name: "no url", args: "-c store -g rg -n cfg --branch main", wantErr: `required flag(s) "url" not set`},
		{name: "bad interval", args: base + "--branch main --interval soon", wantErr: `--interval must be a duration in whole seconds such as 45s, 10m or 1h30m, not "soon"`},
		{name: "bad kustomization key", args: base + "--branch main --kustomization name=a colour=red", wantErr: `unknown key "colour"; valid keys are name, path, depends_on`},
		{name: "kustomization without name", args: base + "--branch main --kustomization path=./a", wantErr: "--kustomization needs name=NAME"},
		{name: "kustomization twice", args: base + "--branch main --kustomization name=a --kustomization name=a", wantErr: `the kustomization "a" is given twice`},
		{name: "bad prune", args: base + "--branch main --kustomization name=a prune=maybe", wantErr: `prune must be true or false, not "maybe"`},
		{name: "key given twice", args: base + "--branch main --ssh-private-key a2V5 --ssh-private-key-file " + keyFile, wantErr: "give --ssh-private-key or --ssh-private-key-file, not both"},
		{name: "key not base64", args: base + "--branch main --ssh-private-key not-base64!", wantErr: "--ssh-private-key must be base64-encoded; to pass a file as it is, use --ssh-private-key-file"},
		{name: "bucket", args: base + "--branch main --kind bucket", wantErr: `--kind "bucket" is not supported`},
		{name: "bad scope", args: base + "--branch main --scope tenant", wantErr: `--scope "tenant" is not one of cluster or namespace`},
		{name: "a stray argument", args: base + "--branch main extra", wantErr: `unexpected argument "extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &fluxCreateOptions{}
			var built any
			cmd := newFluxCreateCommand(o, func(cmd *cobra.Command) error {
				body, _, err := fluxCreateBody(*o, cmd.Flags().Changed)
				built = body
				return err
			})
			got, err := runFlags(t, cmd, func() any { return built }, tc.args)
			checkFlags(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func TestFluxUpdateFlags(t *testing.T) {
	const base = "-c store -g rg -n cfg "
	for _, tc := range []struct {
		name, args, want, wantErr string
	}{
		{name: "suspend", args: base + "--suspend=true", want: `{"properties":{"suspend":true}}`},
		{name: "resume", args: base + "--suspend=false", want: `{"properties":{"suspend":false}}`},
		{name: "a new tag", args: base + "--tag v2", want: `{"properties":{"gitRepository":{"repositoryRef":{"tag":"v2"}}}}`},
		{name: "a kustomization change", args: base + "--kustomization name=apps prune=false",
			want: `{"properties":{"kustomizations":{"apps":{"prune":false}}}}`},
		{name: "a new https key", args: base + "--https-key pw", want: `{"properties":{"configurationProtectedSettings":{"httpsKey":"cHc="}}}`},
		{name: "nothing", args: base, wantErr: "nothing to change"},
		{name: "a stray boolean", args: base + "--suspend true", wantErr: "give a boolean flag its value with '='"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &fluxUpdateOptions{}
			var built any
			cmd := newFluxUpdateCommand(o, func(cmd *cobra.Command) error {
				body, _, err := fluxUpdatePatch(*o, cmd.Flags().Changed)
				built = body
				return err
			})
			got, err := runFlags(t, cmd, func() any { return built }, tc.args)
			checkFlags(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func TestKustomizationFlagValues(t *testing.T) {
	for _, tc := range []struct {
		value   string
		depends []string
	}{
		{`name=a depends_on=["infra", "base"]`, []string{"infra", "base"}},
		{`name=a depends_on=[infra,base]`, []string{"infra", "base"}},
		{`name=a depends_on=infra`, []string{"infra"}},
		{`name=a depends_on=[]`, []string{}},
	} {
		var f kustomizationsFlag
		if err := f.Set(tc.value); err != nil {
			t.Fatalf("Set(%s): %v", tc.value, err)
		}
		if got := derefAll(f.items[0].def.DependsOn); !reflect.DeepEqual(got, tc.depends) {
			t.Errorf("Set(%s): dependsOn %v, want %v", tc.value, got, tc.depends)
		}
	}
}

func TestGroupPairArgs(t *testing.T) {
	in := []string{"-n", "x", "--kustomization", "name=a", "path=./a", "--kustomization=name=b", "prune=true", "--branch", "main", "--", "k=v"}
	want := []string{"-n", "x", "--kustomization=name=a path=./a", "--kustomization=name=b prune=true", "--branch", "main", "--", "k=v"}
	if got := groupPairArgs(in, flagKustomization); !reflect.DeepEqual(got, want) {
		t.Errorf("groupPairArgs = %q, want %q", got, want)
	}
}

func TestFluxFlagErrorsHideSecrets(t *testing.T) {
	for _, args := range []string{
		"-c store -g rg -n cfg --url https://h/r --branch main --https-key s3cretPW stray",
		"-c store -g rg -n cfg --url https://h/r --branch main --https-key=s3cretPW --bogus",
		"-c store -g rg -n cfg --url ssh://h/r --branch main --ssh-private-key s3cretPW!!",
	} {
		o := &fluxCreateOptions{}
		cmd := newFluxCreateCommand(o, func(cmd *cobra.Command) error { _, _, err := fluxCreateBody(*o, cmd.Flags().Changed); return err })
		_, err := runFlags(t, cmd, func() any { return nil }, args)
		if err == nil || strings.Contains(err.Error(), "s3cretPW") {
			t.Errorf("%s: error %v, want one that does not show the secret", args, err)
		}
	}
}

func TestKustomizationCommandFlags(t *testing.T) {
	const base = "-c store -g rg -n cfg -k apps "
	for _, tc := range []struct {
		name, args, want, wantErr string
	}{
		{name: "all of them", args: base + "--path ./apps --depends-on infra,base --timeout 3m --interval 1m --retry-interval 30s --prune --force --wait=false",
			want: `{"dependsOn":["infra","base"],"force":true,"path":"./apps","prune":true,"retryIntervalInSeconds":30,"syncIntervalInSeconds":60,"timeoutInSeconds":180,"wait":false}`},
		{name: "nothing", args: base, want: `{}`},
		{name: "a bad duration", args: base + "--timeout forever", wantErr: `timeout must be a duration in whole seconds`},
		{name: "no kustomization name", args: "-c store -g rg -n cfg --path ./a", wantErr: `required flag(s) "kustomization-name" not set`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ref kustomizationRef
			var flags kustomizationFlags
			var built any
			cmd := &cobra.Command{Use: "create", Args: cobra.NoArgs, RunE: func(cmd *cobra.Command, _ []string) error {
				def, _, err := flags.definition(cmd.Flags().Changed)
				built = def
				return err
			}}
			ref.addFlags(cmd)
			flags.addFlags(cmd)
			got, err := runFlags(t, cmd, func() any { return built }, tc.args)
			checkFlags(t, got, err, tc.want, tc.wantErr)
		})
	}
}
