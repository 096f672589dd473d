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

package extensions

import (
	"errors"
	"maps"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// nameRE: an extension's name is its Helm release's name in the cluster.
var nameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$`)

// ValidateName checks an extension's name.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) {
		return nested.Invalid("The extension name '%s' is invalid: use 1-53 lower-case letters, digits or '-', starting and ending with a letter or digit.", name)
	}
	return nil
}

// settingsFromInput validates a PUT body and returns the settings it asks for, applying the
// ARM defaults (autoUpgradeMinorVersion true, releaseTrain Stable, the type's scope).
func settingsFromInput(in *input, cat *catalog.Catalog) (Settings, error) {
	var s Settings
	p := in.Properties
	if p == nil {
		return s, nested.Missing("The property 'properties' is required.")
	}
	if p.ExtensionType == nil || *p.ExtensionType == "" {
		return s, nested.Missing("The property 'properties.extensionType' is required, e.g. microsoft.flux.")
	}
	typ, err := cat.Type(*p.ExtensionType)
	if err != nil {
		return s, LookupError(err)
	}
	s = Settings{ExtensionType: *p.ExtensionType, AutoUpgradeMinorVersion: true, ReleaseTrain: catalog.DefaultReleaseTrain}
	if p.AutoUpgradeMinorVersion != nil {
		s.AutoUpgradeMinorVersion = *p.AutoUpgradeMinorVersion
	}
	if p.ReleaseTrain != nil && *p.ReleaseTrain != "" {
		s.ReleaseTrain = *p.ReleaseTrain
	}
	if p.Version != nil {
		s.PinnedVersion = *p.Version
	}
	if err := checkVersionRule(s); err != nil {
		return s, err
	}
	if s.Scope, s.Namespace, err = scopeFromInput(p.Scope, typ); err != nil {
		return s, err
	}
	s.ConfigurationSettings, err = stringMap("configurationSettings", p.ConfigurationSettings)
	return s, err
}

// checkVersionRule: a version pins the extension, which needs autoUpgradeMinorVersion false.
func checkVersionRule(s Settings) error {
	if s.AutoUpgradeMinorVersion && s.PinnedVersion != "" {
		return nested.Invalid("The property 'properties.version' can only be set when 'properties.autoUpgradeMinorVersion' is false; remove the version or set autoUpgradeMinorVersion to false.")
	}
	return nil
}

// scopeFromInput returns the scope and namespace: cluster{releaseNamespace} or
// namespace{targetNamespace}, not both; none means the type's default.
func scopeFromInput(sc *Scope, typ *catalog.ExtensionType) (string, string, error) {
	if sc != nil && sc.Cluster != nil && sc.Namespace != nil {
		return "", "", nested.Invalid("The property 'properties.scope' must set either 'cluster' (with releaseNamespace) or 'namespace' (with targetNamespace), not both.")
	}
	scope, ns := typ.DefaultScope, ""
	switch {
	case sc != nil && sc.Cluster != nil:
		scope = protocol.ScopeCluster
		if sc.Cluster.ReleaseNamespace != nil {
			ns = *sc.Cluster.ReleaseNamespace
		}
	case sc != nil && sc.Namespace != nil:
		scope = protocol.ScopeNamespace
		if sc.Namespace.TargetNamespace != nil {
			ns = *sc.Namespace.TargetNamespace
		}
	}
	if ns == "" && scope == protocol.ScopeCluster {
		ns = typ.DefaultReleaseNamespace
	}
	if ns == "" {
		return "", "", nested.Missing("The property 'properties.scope.namespace.targetNamespace' is required for a namespace-scoped extension.")
	}
	if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
		return "", "", nested.Invalid("The namespace '%s' of 'properties.scope' is not a valid Kubernetes namespace name: %s.", ns, strings.Join(errs, "; "))
	}
	return scope, ns, nil
}

// stringMap checks a settings map: keys are non-empty, values are strings.
func stringMap(field string, in map[string]*string) (map[string]string, error) {
	if len(in) == 0 {
		return nil, nil
	}
	return mergeMap(field, nil, in, false)
}

// mergeMap applies a PATCH map to base: a key with a value sets it, a key with null removes
// it (or, unless nullRemoves, is refused).
func mergeMap(field string, base map[string]string, patch map[string]*string, nullRemoves bool) (map[string]string, error) {
	out := maps.Clone(base)
	if out == nil {
		out = make(map[string]string, len(patch))
	}
	for k, v := range patch {
		if strings.TrimSpace(k) == "" {
			return nil, nested.Invalid("The property 'properties.%s' has an empty key; keys are Helm value paths like image.tag.", field)
		}
		switch {
		case v != nil:
			out[k] = *v
		case nullRemoves:
			delete(out, k)
		default:
			return nil, nested.Invalid("The value of '%s' in 'properties.%s' must be a string, not null.", k, field)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// LookupError answers a catalog lookup error as an InvalidError naming the field.
func LookupError(err error) error {
	var le *catalog.LookupError
	if errors.As(err, &le) {
		return nested.Invalid("The property 'properties.%s' is invalid: %s", le.Field, le.Message)
	}
	return err
}
