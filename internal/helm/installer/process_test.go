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

package installer

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
)

func TestMain(m *testing.M) {
	if os.Getenv(fakeEnv) != "" {
		runFakeInstaller()
		return
	}
	os.Exit(m.Run())
}

// fakeProcess is a Process running this test binary as the installer; logs collects what
// it logs, dump is where the installer writes its arguments and environment.
func fakeProcess(t *testing.T) (p *Process, logs *bytes.Buffer, dump string) {
	t.Helper()
	dump = filepath.Join(t.TempDir(), "dump")
	t.Setenv(fakeEnv, "1")
	t.Setenv(dumpEnv, dump)
	logs = &bytes.Buffer{}
	log := funcr.New(func(prefix, args string) { logs.WriteString(prefix + args + "\n") }, funcr.Options{Verbosity: 1})
	return &Process{Path: os.Args[0], Namespace: "kubearc-system", ChartCacheDir: t.TempDir(), Kubeconfig: "/tmp/kubeconfig", Log: log}, logs, dump
}

func releaseRequest(name string) Request {
	return Request{Name: name, Namespace: "demo", Chart: ChartRef{Repository: "https://charts.example.com", Name: "demo", Version: "0.2.0"},
		Settings: map[string]string{"greeting": "hi"}, ProtectedSettings: map[string]string{"token": token}}
}

func TestProcessAppliesWithProtectedSettingsOnStdinOnly(t *testing.T) {
	p, logs, dump := fakeProcess(t)
	rel, changed, err := p.Apply(t.Context(), releaseRequest("ok"))
	if err != nil {
		t.Fatalf("Apply() error = %v", err)
	}
	want := &Release{Name: "ok", Namespace: "demo", Revision: 2, Status: "deployed", ChartName: "demo", ChartVersion: "0.2.0"}
	if !changed || !reflect.DeepEqual(rel, want) {
		t.Errorf("Apply() = %+v, %v; want %+v, true (and no values: they may hold protected settings)", rel, changed, want)
	}
	argsAndEnv, err := os.ReadFile(dump)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(argsAndEnv), token) {
		t.Errorf("a protected value is in the installer's arguments or environment:\n%s", argsAndEnv)
	}
	for _, flag := range []string{"--namespace=kubearc-system", "--kubeconfig=/tmp/kubeconfig", "--chart-cache-dir="} {
		if !strings.Contains(string(argsAndEnv), flag) {
			t.Errorf("the installer was not started with %s:\n%s", flag, argsAndEnv)
		}
	}
	if !strings.Contains(logs.String(), "rendering values token=[redacted]") || strings.Contains(logs.String(), token) {
		t.Errorf("the installer's log, as the agent logs it = %q; want it with the protected value redacted", logs)
	}
}

// The agent's reconcilers tell the outcomes apart across the process as they did in process.
func TestProcessKeepsTheErrorClasses(t *testing.T) {
	p, _, _ := fakeProcess(t)
	tests := []struct {
		name    string
		as      any
		message string
	}{
		{"settings", new(*SettingsError), `setting "a..b" is not a valid Helm value`},
		{"chart", new(*ChartError), "fetching chart demo 0.2.0 from https://charts.example.com: 404"},
		{"install", new(*InstallError), "install failed: admission webhook denied the request"},
		{"upgrade", new(*UpgradeError), "upgrade failed: timed out; rolling back failed too: rollback hook failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rel, _, err := p.Apply(t.Context(), releaseRequest(tt.name))
			if !errors.As(err, tt.as) {
				t.Fatalf("Apply() error = %T %v, want %T", err, err, tt.as)
			}
			if err.Error() != tt.message {
				t.Errorf("Apply() error = %q, want %q", err, tt.message)
			}
			if tt.name == "upgrade" && (rel == nil || rel.Revision != 3) {
				t.Errorf("Apply() release = %+v, want the rolled-back revision 3", rel)
			}
		})
	}
	var upgradeErr *UpgradeError
	if _, _, err := p.Apply(t.Context(), releaseRequest("upgrade")); !errors.As(err, &upgradeErr) || upgradeErr.RolledBackTo.ChartVersion != "0.1.0" {
		t.Errorf("UpgradeError = %+v, want RolledBackTo chart 0.1.0", upgradeErr)
	}
}

func TestProcessCurrentAndUninstall(t *testing.T) {
	p, _, _ := fakeProcess(t)
	if rel, err := p.Current(t.Context(), "none", "demo"); rel != nil || err != nil {
		t.Errorf("Current(none) = %+v, %v; want nil, nil", rel, err)
	}
	if rel, err := p.Current(t.Context(), "demo", "demo"); err != nil || rel.Revision != 7 || rel.Status != "failed" {
		t.Errorf("Current(demo) = %+v, %v; want revision 7 failed", rel, err)
	}
	if existed, err := p.Uninstall(t.Context(), "demo", "demo"); !existed || err != nil {
		t.Errorf("Uninstall(demo) = %v, %v; want true, nil", existed, err)
	}
	if existed, err := p.Uninstall(t.Context(), "none", "demo"); existed || err != nil {
		t.Errorf("Uninstall(none) = %v, %v; want false, nil", existed, err)
	}
	if _, err := p.Uninstall(t.Context(), "broken", "demo"); err == nil || err.Error() != "uninstalling Helm release x/broken: connection refused" {
		t.Errorf("Uninstall(broken) error = %v, want the installer's error as it is", err)
	}
}

func TestProcessSaysWhatWentWrongWithTheInstaller(t *testing.T) {
	p, _, _ := fakeProcess(t)
	_, _, err := p.Apply(t.Context(), releaseRequest("crash"))
	if err == nil || !strings.Contains(err.Error(), "failed (exit status 3): panic: boom") {
		t.Errorf("a crashed installer: error = %v, want its exit status and last log line", err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err = p.Apply(ctx, releaseRequest("hang"))
	if err == nil || !strings.Contains(err.Error(), "was stopped") || time.Since(start) > hangTime/2 {
		t.Errorf("a cancelled request: error = %v after %s, want it stopped at once", err, time.Since(start))
	}

	missing := &Process{Path: filepath.Join(t.TempDir(), BinaryName), Log: logr.Discard()}
	_, err = missing.Current(t.Context(), "demo", "demo")
	if err == nil || !strings.Contains(err.Error(), "is missing") || !strings.Contains(err.Error(), "--installer-path") {
		t.Errorf("a missing installer: error = %v, want it named with what to do", err)
	}
}

func TestServeRefusesWhatItDoesNotKnow(t *testing.T) {
	var out bytes.Buffer
	if err := Serve(t.Context(), strings.NewReader(`{"op":"rollback"}`), &out, scripted{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"class":"other"`) || !strings.Contains(out.String(), "different versions") {
		t.Errorf("response = %s, want an error saying the versions differ", out.String())
	}
	err := Serve(t.Context(), strings.NewReader(`{"op":"apply","values":{}}`), &out, scripted{})
	if err == nil || !strings.Contains(err.Error(), "reading the request on stdin") {
		t.Errorf("Serve(unknown field) error = %v, want the request refused", err)
	}
}
