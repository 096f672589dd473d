// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"fmt"
	"strings"
)

// expression is the one form of ARM template expression kubearc evaluates in a policy rule:
// "[parameters('name')]", optionally followed by property accessors (".paths", "['paths']"),
// as Azure's Kubernetes built-ins use it. A string starting with "[[" is a literal starting
// with "[", and one that starts with "[" but does not end with "]" is a literal too, as in ARM.
type expression struct {
	// param is the parameter's name as written.
	param string
	// path are the property names to follow in its value.
	path []string
}

func (e *expression) String() string {
	s := "parameters('" + e.param + "')"
	for _, p := range e.path {
		s += "." + p
	}
	return s
}

// parseString returns the expression s is, or nil and the literal it stands for.
func parseString(s string) (*expression, string, error) {
	switch {
	case strings.HasPrefix(s, "[["):
		return nil, s[1:], nil
	case !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]"):
		return nil, s, nil
	}
	e, err := parseExpression(strings.TrimSpace(s[1 : len(s)-1]))
	if err != nil {
		return nil, "", fmt.Errorf("the expression %q is not supported: %w; kubearc evaluates \"[parameters('name')]\", optionally with property accessors such as \".paths\"", s, err)
	}
	return e, "", nil
}

// parseExpression parses "parameters('name')" and its accessors.
func parseExpression(s string) (*expression, error) {
	const call = "parameters("
	if len(s) < len(call) || !strings.EqualFold(s[:len(call)], call) {
		return nil, fmt.Errorf("only the parameters function is evaluated")
	}
	name, rest, err := quoted(strings.TrimLeft(s[len(call):], " "))
	if err != nil {
		return nil, err
	}
	rest = strings.TrimLeft(rest, " ")
	if !strings.HasPrefix(rest, ")") {
		return nil, fmt.Errorf("parameters takes one quoted name")
	}
	path, err := accessors(rest[1:])
	if err != nil {
		return nil, err
	}
	return &expression{param: name, path: path}, nil
}

// quoted reads a single-quoted string (” is a quote) at the start of s.
func quoted(s string) (value, rest string, err error) {
	if !strings.HasPrefix(s, "'") {
		return "", "", fmt.Errorf("a name must be in single quotes")
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] != '\'':
			b.WriteByte(s[i])
		case i+1 < len(s) && s[i+1] == '\'':
			b.WriteByte('\'')
			i++
		default:
			return b.String(), s[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("a quoted name is not closed")
}

// accessors reads ".name" and "['name']" property accessors.
func accessors(s string) ([]string, error) {
	var path []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		var name string
		var err error
		switch {
		case strings.HasPrefix(s, "."):
			end := strings.IndexAny(s[1:], ".[ ")
			if end < 0 {
				end = len(s) - 1
			}
			name, s = s[1:1+end], s[1+end:]
		case strings.HasPrefix(s, "["):
			name, s, err = quoted(strings.TrimSpace(s[1:]))
			if err == nil && !strings.HasPrefix(strings.TrimSpace(s), "]") {
				err = fmt.Errorf("an index must be one quoted property name in brackets")
			}
			s = strings.TrimPrefix(strings.TrimSpace(s), "]")
		default:
			err = fmt.Errorf("unexpected %q after parameters(...)", s)
		}
		if err != nil {
			return nil, err
		}
		if name == "" {
			return nil, fmt.Errorf("a property name is empty")
		}
		path = append(path, name)
	}
	return path, nil
}

// walk returns v (a JSON value decoded with numbers kept as json.Number) with every string
// replaced by what fn makes of it; path is v's JSON path, extended for what it holds.
func walk(v any, path string, fn func(path, s string) (any, error)) (any, error) {
	switch x := v.(type) {
	case string:
		return fn(path, x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			w, err := walk(item, path+"."+k, fn)
			if err != nil {
				return nil, err
			}
			out[k] = w
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			w, err := walk(item, fmt.Sprintf("%s[%d]", path, i), fn)
			if err != nil {
				return nil, err
			}
			out[i] = w
		}
		return out, nil
	}
	return v, nil
}

// value evaluates e with the parameter values (by lower-case name); the parameter must exist.
func (e *expression) value(values map[string]any) (any, error) {
	v, ok := values[strings.ToLower(e.param)]
	if !ok {
		return nil, fmt.Errorf("the policy definition has no parameter '%s'", e.param)
	}
	for _, p := range e.path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: the value of parameters('%s') is not an object with the property '%s'", e, e.param, p)
		}
		if v, ok = property(obj, p); !ok {
			return nil, fmt.Errorf("%s: the value of parameters('%s') has no property '%s'", e, e.param, p)
		}
	}
	return v, nil
}

// property returns obj's property name, matched exactly or else without regard to case.
func property(obj map[string]any, name string) (any, bool) {
	if v, ok := obj[name]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// substitute returns v with each expression replaced by its value and each escaped literal
// unescaped.
func substitute(v any, path string, values map[string]any) (any, error) {
	return walk(v, path, func(path, s string) (any, error) {
		e, literal, err := parseString(s)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s: %w", path, err)
		case e == nil:
			return literal, nil
		}
		val, err := e.value(values)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return val, nil
	})
}
