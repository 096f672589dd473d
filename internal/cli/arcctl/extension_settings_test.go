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
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

func TestExpandPairArgs(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want string
	}{
		{"one pair", "--configuration-settings a=1", "--configuration-settings a=1"},
		{"several pairs", "--configuration-settings a=1 b=2 c=", "--configuration-settings a=1 --configuration-settings b=2 --configuration-settings c="},
		{"= form continues", "--configuration-settings=a=1 b=2", "--configuration-settings=a=1 --configuration-settings b=2"},
		{"both flags", "--configuration-settings a=1 b=2 --configuration-protected-settings p=1 q=2 -n x",
			"--configuration-settings a=1 --configuration-settings b=2 --configuration-protected-settings p=1 --configuration-protected-settings q=2 -n x"},
		{"a value of another flag ends it", "--configuration-settings a=1 --name n=1 b=2", "--configuration-settings a=1 --name n=1 b=2"},
		{"an argument without = ends it", "--configuration-settings a=1 stray b=2", "--configuration-settings a=1 stray b=2"},
		{"the first value is taken as is", "--configuration-settings noequals b=2", "--configuration-settings noequals --configuration-settings b=2"},
		{"after -- nothing changes", "--configuration-settings a=1 -- b=2", "--configuration-settings a=1 -- b=2"},
		{"other flags alone", "-c x -g y --scope cluster", "-c x -g y --scope cluster"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(expandPairArgs(strings.Fields(tc.in), flagSettings, flagProtectedSettings), " ")
			if got != tc.want {
				t.Errorf("expandPairArgs(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSettingsOf(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := file("good.json", `{"image.tag": "v2", "replicas": 3, "debug": true, "url": "a=b"}`)
	for _, tc := range []struct {
		name    string
		file    string
		pairs   []string
		want    map[string]string
		wantErr string
	}{
		{name: "nothing", want: nil},
		{name: "pairs", pairs: []string{"a=1", "b=", "c=x=y"}, want: map[string]string{"a": "1", "b": "", "c": "x=y"}},
		{name: "a later pair wins", pairs: []string{"a=1", "a=2"}, want: map[string]string{"a": "2"}},
		{name: "file", file: good, want: map[string]string{"image.tag": "v2", "replicas": "3", "debug": "true", "url": "a=b"}},
		{name: "pairs win over the file", file: good, pairs: []string{"replicas=5"},
			want: map[string]string{"image.tag": "v2", "replicas": "5", "debug": "true", "url": "a=b"}},
		{name: "missing file", file: filepath.Join(dir, "nope.json"), wantErr: "reading the settings file"},
		{name: "not JSON", file: file("bad.json", "a=1"), wantErr: "must hold a JSON object"},
		{name: "an array", file: file("array.json", `["a"]`), wantErr: "must hold a JSON object"},
		{name: "null", file: file("null.json", `null`), wantErr: "must hold a JSON object"},
		{name: "empty object", file: file("empty.json", `{}`), wantErr: "holds no settings"},
		{name: "nested object", file: file("nested.json", `{"image": {"tag": "v2"}}`), wantErr: `setting "image": the value must be a string`},
		{name: "null removes", file: file("remove.json", `{"gone": null, "kept": "x"}`), want: map[string]string{"gone": "<nil>", "kept": "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flag := &pairsFlag{name: flagSettings}
			for _, p := range tc.pairs {
				if err := flag.Set(p); err != nil {
					t.Fatal(err)
				}
			}
			got, err := settingsOf(tc.file, flag)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tc.want == nil) || len(got) != len(tc.want) {
				t.Fatalf("settings = %v, want %v", plain(got), tc.want)
			}
			for k, v := range tc.want {
				if v == "<nil>" {
					if value, ok := got[k]; !ok || value != nil {
						t.Errorf("settings[%q] = %v, want nil (remove)", k, value)
					}
					continue
				}
				if got[k] == nil || *got[k] != v {
					t.Errorf("settings[%q] = %v, want %q", k, got[k], v)
				}
			}
		})
	}
}

func plain(m map[string]*string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = val(v)
	}
	return out
}

func TestPairsFlagRefusesAValueWithoutKey(t *testing.T) {
	for _, in := range []string{"s3cret", "=s3cret", "  =s3cret"} {
		flag := &pairsFlag{name: flagProtectedSettings}
		err := flag.Set(in)
		if err == nil {
			t.Fatalf("Set(%q) accepted a pair without a key", in)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Set(%q) error shows the value: %v", in, err)
		}
	}
	flag := &pairsFlag{name: flagProtectedSettings}
	_ = flag.Set("token=s3cret")
	if got := flag.String(); got != "token" {
		t.Errorf("String() = %q, want the keys only", got)
	}
}

func TestRedactor(t *testing.T) {
	r := newRedactor(map[string]*string{"token": ptr("s3cret"), "long": ptr("s3cret-longer"), "empty": ptr(""), "none": nil})
	if got := r.text("token s3cret and s3cret-longer"); got != "token *** and ***" {
		t.Errorf("text = %q", got)
	}
	plainErr := errors.New("nothing to hide")
	if got := r.error(plainErr); got != plainErr { //nolint:errorlint // the same error must come back
		t.Errorf("an error without secrets changed: %v", got)
	}
	hubErr := &armclient.ResponseError{StatusCode: http.StatusBadRequest, Code: "InvalidParameter", Message: "bad value s3cret"}
	got := r.error(errors.Join(errors.New("creating x"), hubErr))
	var re *armclient.ResponseError
	if !errors.As(got, &re) || re.Code != "InvalidParameter" || re.Message != "bad value ***" || re.StatusCode != http.StatusBadRequest {
		t.Errorf("redacted hub error = %#v, want the hub error with the secret hidden", got)
	}
	if strings.Contains(describe(got), "s3cret") {
		t.Errorf("describe shows the secret: %s", describe(got))
	}
}

func TestProtectedArgs(t *testing.T) {
	args := expandPairArgs(strings.Fields("--configuration-settings a=1 --configuration-protected-settings p=pv stray -n x --configuration-protected-settings=q=qv"),
		flagSettings, flagProtectedSettings)
	got := protectedArgs(args)
	for _, want := range []string{"p=pv", "pv", "stray", "q=qv", "qv"} {
		if !slices.Contains(got, want) {
			t.Errorf("protectedArgs = %q, missing %q", got, want)
		}
	}
	for _, notWant := range []string{"a=1", "1", "x"} {
		if slices.Contains(got, notWant) {
			t.Errorf("protectedArgs = %q, holds %q which is not protected", got, notWant)
		}
	}
}
