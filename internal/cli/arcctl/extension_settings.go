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
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

// Flags of the extension commands that take key=value pairs, as az k8s-extension names them.
const (
	flagSettings                = "configuration-settings"
	flagProtectedSettings       = "configuration-protected-settings"
	flagSettingsFile            = "configuration-settings-file"
	flagProtectedSettingsFile   = "configuration-protected-settings-file"
	flagAutoUpgrade             = "auto-upgrade-minor-version"
	protectedSettingPlaceholder = "***"
)

// pairsFlag is a repeatable key=value flag. It collects pairs in order; a later pair for the
// same key wins, as in az. Its String never shows values: they may be protected settings.
type pairsFlag struct {
	name  string
	pairs [][2]string
}

// String implements pflag.Value; it shows the keys only.
func (p *pairsFlag) String() string {
	keys := make([]string, 0, len(p.pairs))
	for _, kv := range p.pairs {
		keys = append(keys, kv[0])
	}
	return strings.Join(keys, ",")
}

// Set implements pflag.Value: it adds one key=value pair. The value may be empty or hold "=".
func (p *pairsFlag) Set(s string) error {
	key, value, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(key) == "" {
		// The pair is not echoed: it may be a protected setting typed without its key.
		return fmt.Errorf("usage: --%s KEY=VALUE [KEY=VALUE ...]; a value was given without a key", p.name)
	}
	p.pairs = append(p.pairs, [2]string{strings.TrimSpace(key), value})
	return nil
}

// Type implements pflag.Value.
func (p *pairsFlag) Type() string { return "key=value" }

// settingsOf merges a JSON settings file (when path is not empty) and the pairs of the flag,
// the pairs winning over the file as in az. It returns nil when there are no settings.
func settingsOf(path string, flag *pairsFlag) (map[string]*string, error) {
	settings := map[string]*string{}
	if path != "" {
		fromFile, err := readSettingsFile(path)
		if err != nil {
			return nil, err
		}
		settings = fromFile
	}
	for _, kv := range flag.pairs {
		settings[kv[0]] = &kv[1]
	}
	if len(settings) == 0 {
		return nil, nil
	}
	return settings, nil
}

// readSettingsFile reads a JSON object of settings, as az's --configuration-settings-file.
// Strings are taken as they are; numbers and booleans as their JSON text; null is a nil value,
// which removes the setting in an update. Errors never quote the file's content: it may hold
// protected settings.
func readSettingsFile(path string) (map[string]*string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the settings file: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return nil, fmt.Errorf("the settings file %s must hold a JSON object of setting names to values, like {\"key\": \"value\"}", path)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("the settings file %s holds no settings", path)
	}
	settings := make(map[string]*string, len(raw))
	for key, value := range raw {
		s, err := settingValue(value)
		if err != nil {
			return nil, fmt.Errorf("the settings file %s: setting %q: %w", path, key, err)
		}
		settings[key] = s
	}
	return settings, nil
}

// settingValue is a JSON string, number or boolean as the string a setting holds, or nil for
// null.
func settingValue(raw json.RawMessage) (*string, error) {
	var s *string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	text := string(bytes.TrimSpace(raw))
	if _, err := strconv.ParseFloat(text, 64); err == nil || text == "true" || text == "false" {
		return &text, nil
	}
	return nil, errors.New("the value must be a string, a number, a boolean or null")
}

// withoutRemovals refuses settings with null values, which only an update can use.
func withoutRemovals(flag string, settings map[string]*string) error {
	for key, v := range settings {
		if v == nil {
			return fmt.Errorf("--%s: setting %q is null; null removes a setting, which only 'update' does", flag, key)
		}
	}
	return nil
}

// expandPairArgs turns az's "--flag a=1 b=2" into "--flag a=1 --flag b=2" for each of the
// pair flags, so that one flag takes several pairs as in az: the arguments after a pair flag
// and its first value that are not flags and hold "=" are further pairs of it. Arguments
// after "--" are left alone.
func expandPairArgs(args []string, pairFlags ...string) []string {
	out := make([]string, 0, len(args))
	current, expectValue := "", false
	for i, arg := range args {
		switch {
		case arg == "--":
			return append(out, args[i:]...)
		case expectValue:
			expectValue = false
		case strings.HasPrefix(arg, "-") && arg != "-":
			current = pairFlagOf(arg, pairFlags)
			expectValue = current != "" && !strings.Contains(arg, "=")
		case current != "" && strings.Contains(arg, "="):
			out = append(out, "--"+current)
		default:
			current = ""
		}
		out = append(out, arg)
	}
	return out
}

// pairFlagOf is the name of the pair flag arg names ("--name" or "--name=…"), or "".
func pairFlagOf(arg string, pairFlags []string) string {
	if !strings.HasPrefix(arg, "--") {
		return ""
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
	if slices.Contains(pairFlags, name) {
		return name
	}
	return ""
}

// redactor hides protected setting values in text shown to the user. The hub never returns
// them; this guards against a hub (or a proxy) that echoes a request in an error.
type redactor struct {
	secrets []string
}

// newRedactor redacts the values of settings.
func newRedactor(settings map[string]*string) redactor {
	r := redactor{}
	for _, v := range settings {
		if v != nil && *v != "" {
			r.secrets = append(r.secrets, *v)
		}
	}
	return r
}

// text replaces every secret in s, the longest first so that no part of one is left.
func (r redactor) text(s string) string {
	secrets := slices.Clone(r.secrets)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, secret := range secrets {
		s = strings.ReplaceAll(s, secret, protectedSettingPlaceholder)
	}
	return s
}

// error returns err, or a redacted copy when its message shows a secret. A hub error stays a
// *armclient.ResponseError (with its message redacted), so it is shown as the hub's error.
func (r redactor) error(err error) error {
	if err == nil || r.text(err.Error()) == err.Error() {
		return err
	}
	var re *armclient.ResponseError
	if errors.As(err, &re) {
		return &armclient.ResponseError{StatusCode: re.StatusCode, Code: r.text(re.Code), Message: r.text(re.Message)}
	}
	return errors.New(r.text(err.Error()))
}
