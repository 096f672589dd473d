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

package gitops

import (
	"maps"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// validateKustomizations checks names, paths, intervals, post-build variables and dependsOn
// (known names, no cycles).
func validateKustomizations(ks map[string]protocol.KustomizationDefinition) error {
	names := slices.Sorted(maps.Keys(ks))
	for _, name := range names {
		if err := validateKustomization(name, ks[name], ks); err != nil {
			return err
		}
	}
	if cycle := findCycle(ks, names); cycle != nil {
		return nested.Invalid("The kustomizations depend on each other in a cycle: %s; remove one of these dependsOn entries.", strings.Join(cycle, " -> "))
	}
	return nil
}

func validateKustomization(name string, k protocol.KustomizationDefinition, all map[string]protocol.KustomizationDefinition) error {
	field := "properties.kustomizations." + name
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return nested.Invalid("The kustomization name '%s' is invalid: use 1-63 lower-case letters, digits or '-', starting and ending with a letter or digit.", name)
	}
	if slices.Contains(strings.Split(strings.ReplaceAll(k.Path, "\\", "/"), "/"), "..") {
		return nested.Invalid("The property '%s.path' must stay inside the repository: '%s' contains '..'.", field, k.Path)
	}
	for _, s := range []struct {
		field string
		v     *int64
	}{{"timeoutInSeconds", k.TimeoutInSeconds}, {"syncIntervalInSeconds", k.SyncIntervalInSeconds}, {"retryIntervalInSeconds", k.RetryIntervalInSeconds}} {
		if err := validateSeconds(field+"."+s.field, s.v); err != nil {
			return err
		}
	}
	for _, dep := range k.DependsOn {
		switch _, ok := all[dep]; {
		case dep == name:
			return nested.Invalid("The kustomization '%s' depends on itself in '%s.dependsOn'; remove '%s'.", name, field, dep)
		case !ok:
			return nested.Invalid("The kustomization '%s' depends on '%s', which is not a kustomization of this configuration (it has: %s).",
				name, dep, strings.Join(slices.Sorted(maps.Keys(all)), ", "))
		}
	}
	return validatePostBuild(field, k.PostBuild)
}

func validatePostBuild(field string, pb *protocol.PostBuildDefinition) error {
	if pb == nil {
		return nil
	}
	for _, v := range slices.Sorted(maps.Keys(pb.Substitute)) {
		if !varNameRE.MatchString(v) {
			return nested.Invalid("The variable '%s' in '%s.postBuild.substitute' is invalid: use letters, digits and '_', not starting with a digit.", v, field)
		}
	}
	for i, ref := range pb.SubstituteFrom {
		if ref.Kind != "ConfigMap" && ref.Kind != "Secret" {
			return nested.Invalid("The property '%s.postBuild.substituteFrom[%d].kind' must be ConfigMap or Secret, not '%s'.", field, i, ref.Kind)
		}
		if errs := validation.IsDNS1123Subdomain(ref.Name); len(errs) > 0 {
			return nested.Invalid("The property '%s.postBuild.substituteFrom[%d].name' must name a %s: '%s' is not a valid name.", field, i, ref.Kind, ref.Name)
		}
	}
	return nil
}

// findCycle returns a dependsOn cycle as a path that starts and ends at the same name, or nil.
func findCycle(ks map[string]protocol.KustomizationDefinition, names []string) []string {
	const (
		unvisited = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(string) []string
	visit = func(n string) []string {
		state[n] = onPath
		path = append(path, n)
		for _, dep := range slices.Sorted(slices.Values(ks[n].DependsOn)) {
			switch state[dep] {
			case onPath:
				start := slices.Index(path, dep)
				return append(slices.Clone(path[start:]), dep)
			case unvisited:
				if c := visit(dep); c != nil {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	for _, n := range names {
		if state[n] == unvisited {
			if c := visit(n); c != nil {
				return c
			}
		}
	}
	return nil
}
