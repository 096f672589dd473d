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
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/spf13/cobra"
)

// flagKustomization is az's --kustomization: one kustomization as key=value pairs, several
// pairs per flag ("--kustomization name=apps path=./apps prune=true"), the flag repeated for
// more kustomizations.
const flagKustomization = "kustomization"

// kustomizationKeys are the keys --kustomization takes (az's, with '_'), normalized by normKey.
var kustomizationKeys = []string{"name", "path", "depends_on", "timeout", "sync_interval", "retry_interval",
	"prune", "force", "wait", "disable_health_check"}

// normKey makes "depends_on", "dependsOn" and "depends-on" the same key.
func normKey(k string) string {
	return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(k)))
}

// namedKustomization is one --kustomization.
type namedKustomization struct {
	name string
	def  armkc.KustomizationDefinition
}

// kustomizationsFlag collects the --kustomization flags in order.
type kustomizationsFlag struct {
	items []namedKustomization
}

// String implements pflag.Value.
func (k *kustomizationsFlag) String() string {
	names := make([]string, 0, len(k.items))
	for _, it := range k.items {
		names = append(names, it.name)
	}
	return strings.Join(names, ",")
}

// Type implements pflag.Value.
func (k *kustomizationsFlag) Type() string { return "key=value ..." }

// Set implements pflag.Value: s holds one kustomization's pairs separated by spaces.
func (k *kustomizationsFlag) Set(s string) error {
	pairs, err := splitPairs(s)
	if err != nil {
		return err
	}
	it, err := parseKustomization(pairs)
	if err != nil {
		return err
	}
	for _, prev := range k.items {
		if prev.name == it.name {
			return fmt.Errorf("the kustomization %q is given twice", it.name)
		}
	}
	k.items = append(k.items, it)
	return nil
}

// splitPairs splits "a=1 b=[x, y]" into pairs; a word without '=' continues the value before.
func splitPairs(s string) ([][2]string, error) {
	var pairs [][2]string
	for _, word := range strings.Fields(s) {
		key, value, ok := strings.Cut(word, "=")
		switch {
		case ok && key != "":
			pairs = append(pairs, [2]string{key, value})
		case len(pairs) > 0:
			pairs[len(pairs)-1][1] += " " + word
		default:
			return nil, fmt.Errorf("usage: --%s name=NAME path=PATH [prune=true] [depends_on=[a,b]] …; %q is not KEY=VALUE", flagKustomization, word)
		}
	}
	return pairs, nil
}

func parseKustomization(pairs [][2]string) (namedKustomization, error) {
	var it namedKustomization
	for _, kv := range pairs {
		if err := setKustomizationKey(&it, kv[0], kv[1]); err != nil {
			return it, err
		}
	}
	if it.name == "" {
		return it, fmt.Errorf("--%s needs name=NAME", flagKustomization)
	}
	return it, nil
}

func setKustomizationKey(it *namedKustomization, key, value string) error {
	d := &it.def
	var err error
	switch normKey(key) {
	case "name":
		it.name = value
	case "path":
		d.Path = &value
	case "dependson":
		d.DependsOn = parseList(value)
	case "timeout":
		d.TimeoutInSeconds, err = parseSeconds(key, value)
	case "syncinterval", "interval":
		d.SyncIntervalInSeconds, err = parseSeconds(key, value)
	case "retryinterval":
		d.RetryIntervalInSeconds, err = parseSeconds(key, value)
	case "prune":
		d.Prune, err = parseBool(key, value)
	case "force":
		d.Force, err = parseBool(key, value)
	case "wait":
		d.Wait, err = parseBool(key, value)
	case "disablehealthcheck":
		var off *bool
		if off, err = parseBool(key, value); err == nil {
			d.Wait = ptr(!*off)
		}
	default:
		return fmt.Errorf("--%s: unknown key %q; valid keys are %s", flagKustomization, key, strings.Join(kustomizationKeys, ", "))
	}
	return err
}

// parseList reads az's list forms: ["a","b"], [a, b] and a,b.
func parseList(s string) []*string {
	s = strings.Trim(strings.TrimSpace(s), "[]")
	out := []*string{}
	for _, part := range strings.Split(s, ",") {
		if part = strings.Trim(strings.TrimSpace(part), `"'`); part != "" {
			out = append(out, ptr(part))
		}
	}
	return out
}

// parseSeconds reads a duration as az takes it: "10m", "1h30m", "45s" or seconds ("600").
func parseSeconds(what, s string) (*int64, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 1 {
			return nil, fmt.Errorf("%s must be at least one second, not %q", what, s)
		}
		return &n, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second || d%time.Second != 0 {
		return nil, fmt.Errorf("%s must be a duration in whole seconds such as 45s, 10m or 1h30m, not %q", what, s)
	}
	n := int64(d / time.Second)
	return &n, nil
}

func parseBool(what, s string) (*bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%s must be true or false, not %q", what, s)
	}
	return &b, nil
}

// groupPairArgs turns az's "--kustomization a=1 b=2" into "--kustomization=a=1 b=2": the
// arguments after the flag's first value that are not flags and hold '=' belong to it.
// Arguments after "--" are left alone.
func groupPairArgs(args []string, flag string) []string {
	out := make([]string, 0, len(args))
	open := -1 // index in out of the flag being filled
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			return append(out, args[i:]...)
		case arg == "--"+flag && i+1 < len(args):
			out = append(out, "--"+flag+"="+args[i+1])
			open = len(out) - 1
			i++
		case strings.HasPrefix(arg, "--"+flag+"="):
			out = append(out, arg)
			open = len(out) - 1
		case open >= 0 && !strings.HasPrefix(arg, "-") && strings.Contains(arg, "="):
			out[open] += " " + arg
		default:
			open = -1
			out = append(out, arg)
		}
	}
	return out
}

// Flags of the Flux commands whose values are secrets.
var fluxSecretFlags = []string{"ssh-private-key", "https-key"}

// secretArgs are the values given to the secret flags, to hide them in errors.
func secretArgs(args []string) []string {
	var out []string
	for i, arg := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !strings.HasPrefix(arg, "--") || !slices.Contains(fluxSecretFlags, name) {
			continue
		}
		if hasValue && value != "" {
			out = append(out, value)
		} else if i+1 < len(args) && args[i+1] != "" {
			out = append(out, args[i+1])
		}
	}
	return out
}

// parseFluxFlags parses the flags of a command that has DisableFlagParsing, so that
// --kustomization takes several pairs as in az, then runs the checks cobra would have run.
// Errors never show the values of secret flags.
func parseFluxFlags(cmd *cobra.Command, args []string) error {
	cmd.DisableFlagParsing = false
	hide := redactor{secrets: secretArgs(args)}
	return parseFlagsAsCobra(cmd, groupPairArgs(args, flagKustomization), hide)
}

// errNoChange is the error of an update without any change.
var errNoChange = errors.New("nothing to change: give at least one flag to update")
