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

// Package config reads and writes arcctl's configuration file: the hub to talk to, the
// token to talk with, the CA bundle to trust and a default subscription.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// EnvPath names the environment variable that overrides the default file location.
const EnvPath = "KUBEARC_CONFIG"

// ErrNotLoggedIn says there is no configuration file yet.
var ErrNotLoggedIn = errors.New("not logged in; run 'arcctl login --hub URL --token TOKEN' first")

// Config is the content of the configuration file.
type Config struct {
	// Hub is the hub's base URL.
	Hub string `json:"hub"`
	// Token is the bearer token.
	Token string `json:"token"`
	// CertificateAuthorityData is the PEM bundle trusted for the hub's certificate; empty
	// means the system roots. The PEM is kept, not a path, so the file it came from may move.
	CertificateAuthorityData string `json:"certificateAuthorityData,omitempty"`
	// Subscription is the default subscription of commands that take --subscription.
	Subscription string `json:"subscription,omitempty"`
	// Location is the default location of 'connectedk8s connect'; empty means "local".
	Location string `json:"location,omitempty"`
}

// Path returns the configuration file: flagValue when set, else $KUBEARC_CONFIG, else
// ~/.kubearc/config.yaml.
func Path(flagValue string, getenv func(string) string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if p := getenv(EnvPath); p != "" {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the home directory for the configuration file (set %s or pass --config): %w", EnvPath, err)
	}
	return filepath.Join(home, ".kubearc", "config.yaml"), nil
}

// Load reads the configuration file at path; a missing file is ErrNotLoggedIn.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotLoggedIn
	}
	if err != nil {
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	var c Config
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return nil, fmt.Errorf("parsing the configuration %s: %w", path, err)
	}
	if c.Hub == "" || c.Token == "" {
		return nil, fmt.Errorf("the configuration %s has no hub or token; run 'arcctl login' again", path)
	}
	return &c, nil
}

// Save writes c to path with mode 0600, creating its directory with mode 0700. The file is
// replaced atomically, so a failed write never leaves half a configuration behind.
func Save(path string, c *Config) (err error) {
	data, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Errorf("encoding the configuration: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("writing the configuration: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := writeAndClose(tmp, data); err != nil {
		return fmt.Errorf("writing the configuration: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the configuration: %w", err)
	}
	return nil
}

func writeAndClose(f *os.File, data []byte) error {
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
