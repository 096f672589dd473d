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

package helm

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"helm.sh/helm/v4/pkg/strvals"
)

// Values turns settings with dotted keys ("image.tag": "v2") into nested Helm values, as
// `helm --set` does: "true" becomes a bool and "3" a number. protected settings are applied
// after settings, so they win; an error about one names its key, never its value. The
// result holds only JSON types (maps, slices, strings, numbers, bools).
func Values(settings, protected map[string]string) (map[string]any, error) {
	vals := map[string]any{}
	if err := parseInto(vals, settings, false); err != nil {
		return nil, err
	}
	if err := parseInto(vals, protected, true); err != nil {
		return nil, err
	}
	return vals, nil
}

func parseInto(vals map[string]any, settings map[string]string, secret bool) error {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.ContainsAny(k, "=,") || strings.TrimSpace(k) == "" {
			return fmt.Errorf("setting key %q is not a Helm value path: use dotted keys such as image.tag", k)
		}
		expr := k + "=" + escape(settings[k])
		// strvals drops some malformed keys silently: parse alone first to notice.
		alone := map[string]any{}
		err := strvals.ParseInto(expr, alone)
		if err == nil && len(alone) == 0 {
			err = errors.New("the key sets nothing")
		}
		if err == nil {
			err = strvals.ParseInto(expr, vals)
		}
		if err != nil {
			if secret {
				return fmt.Errorf("protected setting %q is not a valid Helm value: check its key", k)
			}
			return fmt.Errorf("setting %q is not a valid Helm value: %w", k, err)
		}
	}
	return nil
}

// escape makes v one scalar value for strvals, which splits on commas and reads a leading
// brace as a list.
func escape(v string) string {
	v = strings.NewReplacer(`\`, `\\`, `,`, `\,`).Replace(v)
	if strings.HasPrefix(v, "{") {
		v = `\` + v
	}
	return v
}
