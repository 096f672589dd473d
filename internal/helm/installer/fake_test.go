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
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// The test binary is also the fake kubearc-installer: with fakeEnv set it serves one request
// with scripted, as cmd/kubearc-installer serves it with Helm.
const (
	fakeEnv  = "KUBEARC_FAKE_INSTALLER"
	dumpEnv  = "KUBEARC_FAKE_INSTALLER_DUMP" // where it writes its arguments and environment
	token    = "s3cret-token"
	hangTime = time.Minute
)

func runFakeInstaller() {
	dump := strings.Join(os.Args, " ") + "\n" + strings.Join(os.Environ(), "\n")
	if err := os.WriteFile(os.Getenv(dumpEnv), []byte(dump), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "fake installer:", err)
		os.Exit(2)
	}
	if err := Serve(context.Background(), os.Stdin, os.Stdout, scripted{}); err != nil {
		fmt.Fprintln(os.Stderr, "fake installer:", err)
		os.Exit(1)
	}
}

// scripted answers by the release's name.
type scripted struct{}

func (scripted) Apply(_ context.Context, req Request) (*Release, bool, error) {
	// What Helm might log: the installer's log is redacted by the agent.
	fmt.Fprintf(os.Stderr, "level=DEBUG msg=rendering values token=%s\n", req.ProtectedSettings["token"])
	switch req.Name {
	case "settings":
		return nil, false, &SettingsError{Message: `setting "a..b" is not a valid Helm value`}
	case "chart":
		return nil, false, &ChartError{Err: errors.New("fetching chart demo 0.2.0 from https://charts.example.com: 404")}
	case "install":
		return nil, false, &InstallError{Err: errors.New("admission webhook denied the request")}
	case "upgrade":
		good := &Release{Name: req.Name, Revision: 3, Status: "deployed", ChartName: "demo", ChartVersion: "0.1.0"}
		return good, true, &UpgradeError{Err: errors.New("timed out"), RolledBackTo: good, RollbackErr: errors.New("rollback hook failed")}
	case "crash":
		fmt.Fprintln(os.Stderr, "panic: boom")
		os.Exit(3)
	case "hang":
		time.Sleep(hangTime)
	}
	if req.ProtectedSettings["token"] != token {
		return nil, false, fmt.Errorf("the protected settings did not arrive: %v", req.ProtectedSettings)
	}
	return &Release{Name: req.Name, Namespace: req.Namespace, Revision: 2, Status: "deployed", ChartName: req.Chart.Name,
		ChartVersion: req.Chart.Version, Values: map[string]any{"token": token}}, true, nil
}

func (scripted) Current(_ context.Context, name, namespace string) (*Release, error) {
	if name == "none" {
		return nil, nil
	}
	return &Release{Name: name, Namespace: namespace, Revision: 7, Status: "failed"}, nil
}

func (scripted) Uninstall(_ context.Context, name, _ string) (bool, error) {
	if name == "broken" {
		return false, errors.New("uninstalling Helm release x/broken: connection refused")
	}
	return name != "none", nil
}
