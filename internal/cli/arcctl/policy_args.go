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
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Flags of the policy commands that take several values, as az names them.
const (
	flagMetadata  = "metadata"
	flagNotScopes = "not-scopes"
)

// parsePolicyFlags parses the flags of a policy command that has DisableFlagParsing, so that
// --metadata takes several key=value pairs and --not-scopes several scopes, as az's do, then
// runs the checks cobra would have run.
func parsePolicyFlags(cmd *cobra.Command, args []string) error {
	cmd.DisableFlagParsing = false
	return parseFlagsAsCobra(cmd, spreadValues(expandPairArgs(args, flagMetadata), flagNotScopes), redactor{})
}

// spreadValues turns az's "--flag a b" into "--flag a --flag b": the arguments after the
// flag's first value that are not flags are further values of it. Arguments after "--" are
// left alone.
func spreadValues(args []string, flag string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		out = append(out, args[i])
		switch {
		case args[i] == "--":
			return append(out, args[i+1:]...)
		case args[i] == "--"+flag && i+1 < len(args):
			i++
			out = append(out, args[i])
		case !strings.HasPrefix(args[i], "--"+flag+"="):
			continue
		}
		for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			i++
			out = append(out, "--"+flag, args[i])
		}
	}
	return out
}

// jsonObjectFlag reads the JSON object a flag gives, as az reads --rules and --params: the
// file of "@FILE" or of a path that exists, else the value itself. It keeps the members raw.
func jsonObjectFlag(flag, value string) (map[string]json.RawMessage, error) {
	data, err := jsonFlagText(value)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flag, err)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("--%s must be a JSON object, @FILE or the path of a JSON file: %w", flag, err)
	}
	if obj == nil {
		return nil, fmt.Errorf("--%s must be a JSON object, not null", flag)
	}
	return obj, nil
}

// jsonFlagText is the JSON text of a flag's value: a file's content or the value.
func jsonFlagText(value string) ([]byte, error) {
	text := strings.TrimSpace(value)
	switch {
	case text == "":
		return nil, errors.New("the value is empty")
	case strings.HasPrefix(text, "@"):
		return os.ReadFile(text[1:])
	case strings.HasPrefix(text, "{") || strings.HasPrefix(text, "["):
		return []byte(text), nil
	}
	data, err := os.ReadFile(text)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%q is neither JSON nor a file", value)
	}
	return data, err
}

// jsonMembers decodes each member of the JSON object a flag gives (see jsonObjectFlag) into
// a T; nil when the value is empty. Each must be a JSON object holding the keys required;
// example shows such an object in errors.
func jsonMembers[T any](flag, value, example string, required ...string) (map[string]*T, error) {
	if value == "" {
		return nil, nil
	}
	obj, err := jsonObjectFlag(flag, value)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*T, len(obj))
	for name, raw := range obj {
		if err := hasKeys(raw, required); err != nil {
			return nil, fmt.Errorf("--%s: %q %w; give it like %s", flag, name, err, example)
		}
		v := new(T)
		if err := json.Unmarshal(raw, v); err != nil {
			return nil, fmt.Errorf("--%s: %q: %w", flag, name, err)
		}
		out[name] = v
	}
	return out, nil
}

// hasKeys checks that raw is a JSON object holding every key of required.
func hasKeys(raw json.RawMessage, required []string) error {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil || fields == nil {
		return errors.New("is not a JSON object")
	}
	for _, k := range required {
		if _, ok := fields[k]; !ok {
			return fmt.Errorf("has no %q", k)
		}
	}
	return nil
}
