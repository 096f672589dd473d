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
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// runFlags runs cmd with args and returns the JSON of the body run built, or the error.
func runFlags(t *testing.T, cmd *cobra.Command, body func() any, args string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd.SetArgs(strings.Fields(args))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if err := cmd.Execute(); err != nil {
		return "", err
	}
	data, err := json.Marshal(body())
	if err != nil {
		t.Fatal(err)
	}
	return string(data), nil
}

func TestCreateFlags(t *testing.T) {
	dir := t.TempDir()
	settingsFile := filepath.Join(dir, "settings.json")
	if err := os.WriteFile(settingsFile, []byte(`{"a": "file", "b": "file"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	removals := filepath.Join(dir, "removals.json")
	if err := os.WriteFile(removals, []byte(`{"a": null}`), 0o600); err != nil {
		t.Fatal(err)
	}
	const base = "-c store -g rg -n gk --extension-type gatekeeper "
	for _, tc := range []struct {
		name    string
		args    string
		want    string
		wantErr string
	}{
		{name: "the type alone", args: base, want: `{"properties":{"extensionType":"gatekeeper"}}`},
		{name: "train and auto-upgrade", args: base + "--release-train Preview --auto-upgrade-minor-version=true",
			want: `{"properties":{"autoUpgradeMinorVersion":true,"extensionType":"gatekeeper","releaseTrain":"Preview"}}`},
		{name: "a version implies no auto-upgrade", args: base + "--version 3.17.1",
			want: `{"properties":{"autoUpgradeMinorVersion":false,"extensionType":"gatekeeper","version":"3.17.1"}}`},
		{name: "a version with auto-upgrade false", args: base + "--version 3.17.1 --auto-upgrade-minor-version=false",
			want: `{"properties":{"autoUpgradeMinorVersion":false,"extensionType":"gatekeeper","version":"3.17.1"}}`},
		{name: "a version with auto-upgrade true", args: base + "--version 3.17.1 --auto-upgrade-minor-version=true",
			wantErr: "to pin the extension with --version, --auto-upgrade-minor-version must be false"},
		{name: "auto-upgrade as az takes it", args: base + "--auto-upgrade-minor-version False",
			want: `{"properties":{"autoUpgradeMinorVersion":false,"extensionType":"gatekeeper"}}`},
		{name: "az's short --auto-upgrade", args: base + "--auto-upgrade false --version 3.17.1",
			want: `{"properties":{"autoUpgradeMinorVersion":false,"extensionType":"gatekeeper","version":"3.17.1"}}`},
		{name: "--auto-upgrade true with a version", args: base + "--auto-upgrade true --version 3.17.1",
			wantErr: "--auto-upgrade-minor-version must be false"},
		{name: "a stray boolean", args: base + "--no-wait false",
			wantErr: `unexpected argument "false": give a boolean flag its value with '='`},
		{name: "cluster scope", args: base + "--scope cluster --release-namespace gk-system",
			want: `{"properties":{"extensionType":"gatekeeper","scope":{"cluster":{"releaseNamespace":"gk-system"}}}}`},
		{name: "cluster scope, the hub's namespace", args: base + "--scope Cluster",
			want: `{"properties":{"extensionType":"gatekeeper","scope":{"cluster":{}}}}`},
		{name: "namespace scope", args: base + "--scope namespace --target-namespace team-a",
			want: `{"properties":{"extensionType":"gatekeeper","scope":{"namespace":{"targetNamespace":"team-a"}}}}`},
		{name: "release namespace with namespace scope", args: base + "--scope namespace --release-namespace x",
			wantErr: "when --scope is 'namespace', --release-namespace must not be given"},
		{name: "target namespace with cluster scope", args: base + "--scope cluster --target-namespace x",
			wantErr: "when --scope is 'cluster', --target-namespace must not be given"},
		{name: "release namespace without scope", args: base + "--release-namespace x", wantErr: "--release-namespace needs --scope cluster"},
		{name: "target namespace without scope", args: base + "--target-namespace x", wantErr: "--target-namespace needs --scope namespace"},
		{name: "unknown scope", args: base + "--scope global", wantErr: `--scope "global" is not one of cluster or namespace`},
		{name: "settings, several per flag and repeated", args: base + "--configuration-settings a=1 b=2 --configuration-settings c=3",
			want: `{"properties":{"configurationSettings":{"a":"1","b":"2","c":"3"},"extensionType":"gatekeeper"}}`},
		{name: "protected settings", args: base + "--configuration-protected-settings p=s3cret q=x=y",
			want: `{"properties":{"configurationProtectedSettings":{"p":"s3cret","q":"x=y"},"extensionType":"gatekeeper"}}`},
		{name: "a settings file, flags win", args: base + "--configuration-settings-file " + settingsFile + " --configuration-settings b=flag",
			want: `{"properties":{"configurationSettings":{"a":"file","b":"flag"},"extensionType":"gatekeeper"}}`},
		{name: "a protected settings file", args: base + "--configuration-protected-settings-file " + settingsFile,
			want: `{"properties":{"configurationProtectedSettings":{"a":"file","b":"file"},"extensionType":"gatekeeper"}}`},
		{name: "a missing settings file", args: base + "--configuration-settings-file " + filepath.Join(dir, "nope"),
			wantErr: "--configuration-settings-file: reading the settings file"},
		{name: "null in a create", args: base + "--configuration-settings-file " + removals,
			wantErr: `--configuration-settings-file: setting "a" is null; null removes a setting, which only 'update' does`},
		{name: "no type", args: "-c store -g rg -n gk", wantErr: `required flag(s) "extension-type" not set`},
		{name: "no cluster", args: "-g rg -n gk --extension-type x", wantErr: `required flag(s) "cluster-name" not set`},
		{name: "a stray argument", args: base + "extra", wantErr: `unexpected argument "extra"`},
		{name: "an unknown flag", args: base + "--colour red", wantErr: "unknown flag: --colour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &extensionCreateOptions{}
			var built any
			cmd := newExtensionCreateCommand(o, func(cmd *cobra.Command) error {
				body, _, err := extensionCreateBody(*o, cmd.Flags().Changed)
				built = body
				return err
			})
			got, err := runFlags(t, cmd, func() any { return built }, tc.args)
			checkFlags(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func checkFlags(t *testing.T, got string, err error, want, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error = %v, want %q (body %s)", err, wantErr, got)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("body\n got %s\nwant %s", got, want)
	}
}

func TestUpdateFlags(t *testing.T) {
	const base = "-c store -g rg -n gk "
	removals := filepath.Join(t.TempDir(), "removals.json")
	if err := os.WriteFile(removals, []byte(`{"old": null}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    string
		want    string
		wantErr string
	}{
		{name: "a version", args: base + "--version 3.18.0", want: `{"properties":{"autoUpgradeMinorVersion":false,"version":"3.18.0"}}`},
		{name: "auto-upgrade on a train", args: base + "--auto-upgrade-minor-version=true --release-train Preview",
			want: `{"properties":{"autoUpgradeMinorVersion":true,"releaseTrain":"Preview"}}`},
		{name: "settings only", args: base + "--configuration-settings replicas=3 --configuration-protected-settings token=t2",
			want: `{"properties":{"configurationProtectedSettings":{"token":"t2"},"configurationSettings":{"replicas":"3"}}}`},
		{name: "null in a file removes a setting", args: base + "--configuration-settings-file " + removals + " --configuration-settings new=1",
			want: `{"properties":{"configurationSettings":{"new":"1","old":null}}}`},
		{name: "nothing", args: base, wantErr: "nothing to update: pass at least one of --version"},
		{name: "a version with auto-upgrade true", args: base + "--version 1.0.0 --auto-upgrade-minor-version=true",
			wantErr: "--auto-upgrade-minor-version must be false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &extensionUpdateOptions{}
			var built any
			cmd := newExtensionUpdateCommand(o, func(cmd *cobra.Command) error {
				patch, err := extensionPatchBody(*o, cmd.Flags().Changed)
				built = patch
				return err
			})
			got, err := runFlags(t, cmd, func() any { return built }, tc.args)
			checkFlags(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func TestFlagErrorsHideProtectedSettings(t *testing.T) {
	for _, args := range []string{
		"-c store -g rg -n gk --extension-type x --configuration-protected-settings s3cret",
		"-c store -g rg -n gk --extension-type x --configuration-protected-settings a=1 s3cret",
		"-c store -g rg -n gk --extension-type x --configuration-protected-settings=s3cret",
	} {
		o := &extensionCreateOptions{}
		cmd := newExtensionCreateCommand(o, func(*cobra.Command) error { return nil })
		_, err := runFlags(t, cmd, func() any { return nil }, args)
		if err == nil {
			t.Errorf("%s: accepted", args)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the protected value: %v", args, err)
		}
	}
}
