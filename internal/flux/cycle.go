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

package flux

import (
	"strings"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// DependencyCycle returns the names along a dependsOn cycle among ks, first name repeated at
// the end (a -> b -> a), or nil when there is none. CEL checks that every dependsOn names a
// kustomization; a cycle needs a graph walk, so the controller reports it in status.
func DependencyCycle(ks []arcv1alpha1.KustomizationSpec) []string {
	deps := make(map[string][]string, len(ks))
	for _, k := range ks {
		deps[k.Name] = k.DependsOn
	}
	const (
		onPath = iota + 1
		done
	)
	state := make(map[string]int, len(ks))
	var path []string
	var visit func(name string) []string
	visit = func(name string) []string {
		switch state[name] {
		case onPath:
			for i, n := range path {
				if n == name {
					return append(append([]string{}, path[i:]...), name)
				}
			}
		case done:
			return nil
		}
		state[name] = onPath
		path = append(path, name)
		for _, dep := range deps[name] {
			if _, known := deps[dep]; !known {
				continue
			}
			if cycle := visit(dep); cycle != nil {
				return cycle
			}
		}
		path = path[:len(path)-1]
		state[name] = done
		return nil
	}
	for _, k := range ks {
		if cycle := visit(k.Name); cycle != nil {
			return cycle
		}
	}
	return nil
}

func formatCycle(cycle []string) string {
	return strings.Join(cycle, " -> ")
}
