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

package policyinsights

import (
	"slices"
	"strings"
)

// field is a property of a policy state that $filter and $orderby name. ARM compares names
// and string values without regard to case.
type field[R any] struct {
	// name is the property as the API spells it.
	name string
	// boolean fields compare with true and false, the others with quoted strings.
	boolean bool
	get     func(R) string
}

// fields are the properties of a kind of state, keyed by their lower-case names.
type fields[R any] map[string]field[R]

func newFields[R any](list ...field[R]) fields[R] {
	f := make(fields[R], len(list))
	for _, fl := range list {
		f[strings.ToLower(fl.name)] = fl
	}
	return f
}

// lookup returns the field called name, in any case.
func (f fields[R]) lookup(name string) (field[R], bool) {
	fl, ok := f[strings.ToLower(name)]
	return fl, ok
}

// names lists the fields' names for error messages.
func (f fields[R]) names() string {
	names := make([]string, 0, len(f))
	for _, fl := range f {
		names = append(names, fl.name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// adapt returns the fields of f read through view, for a kind of state that holds an R.
func adapt[R, S any](f fields[R], view func(S) R) []field[S] {
	out := make([]field[S], 0, len(f))
	for _, fl := range f {
		get := fl.get
		out = append(out, field[S]{name: fl.name, boolean: fl.boolean, get: func(s S) string { return get(view(s)) }})
	}
	return out
}

// predicate is a compiled $filter.
type predicate[R any] func(R) bool

// filterForms says what $filter supports, for error messages.
const filterForms = "comparisons 'Field eq value' and 'Field ne value' (a quoted string, or true or false), combined with and, or, not and parentheses"

// maxFilterBytes and maxFilterDepth bound a $filter, so that a request cannot make the
// recursive-descent parser use unbounded memory and stack; the filters the Azure SDK and
// arcctl send are far below both.
const (
	maxFilterBytes = 4 << 10
	maxFilterDepth = 32
)

// parseFilter compiles an OData $filter over fields; an empty filter matches everything.
func parseFilter[R any](s string, f fields[R]) (predicate[R], error) {
	if strings.TrimSpace(s) == "" {
		return func(R) bool { return true }, nil
	}
	if len(s) > maxFilterBytes {
		return nil, queryError("The $filter is %d bytes long; the hub takes at most %d (4 KiB).", len(s), maxFilterBytes)
	}
	toks, err := tokenize(s)
	if err != nil {
		return nil, filterError(s, err.Error(), f)
	}
	p := &parser[R]{toks: toks, fields: f}
	pred, err := p.or()
	if err == nil && p.peek().kind != tokEnd {
		err = p.unexpected("'and', 'or' or the end")
	}
	if err != nil {
		return nil, filterError(s, err.Error(), f)
	}
	return pred, nil
}

func filterError[R any](filter, why string, f fields[R]) error {
	return queryError("The $filter '%s' is not supported: %s. The hub supports %s, on the fields %s.", excerpt(filter), why, filterForms, f.names())
}

// parser is a recursive-descent parser of a $filter:
//
//	or         = and { "or" and }
//	and        = unary { "and" unary }
//	unary      = "not" unary | "(" or ")" | comparison
//	comparison = field ( "eq" | "ne" ) literal
type parser[R any] struct {
	toks   []token
	pos    int
	fields fields[R]
	// depth is how many "not" and "(" enclose the current position.
	depth int
}

func (p *parser[R]) peek() token { return p.toks[p.pos] }

func (p *parser[R]) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEnd {
		p.pos++
	}
	return t
}

// keyword consumes the next token if it is the word kw, in any case.
func (p *parser[R]) keyword(kw string) bool {
	if t := p.peek(); t.kind == tokWord && strings.EqualFold(t.text, kw) {
		p.pos++
		return true
	}
	return false
}

func (p *parser[R]) unexpected(want string) error {
	t := p.peek()
	if t.kind == tokEnd {
		return syntaxError("expected %s at the end", want)
	}
	return syntaxError("expected %s at '%s' (character %d)", want, excerpt(t.text), t.pos+1)
}

func (p *parser[R]) or() (predicate[R], error) {
	return p.chain("or", p.and, func(l, r predicate[R]) predicate[R] { return func(x R) bool { return l(x) || r(x) } })
}

func (p *parser[R]) and() (predicate[R], error) {
	return p.chain("and", p.unary, func(l, r predicate[R]) predicate[R] { return func(x R) bool { return l(x) && r(x) } })
}

// chain parses operand { kw operand }, joining the operands' predicates with join.
func (p *parser[R]) chain(kw string, operand func() (predicate[R], error), join func(l, r predicate[R]) predicate[R]) (predicate[R], error) {
	left, err := operand()
	for err == nil && p.keyword(kw) {
		var right predicate[R]
		if right, err = operand(); err == nil {
			left = join(left, right)
		}
	}
	return left, err
}

func (p *parser[R]) unary() (predicate[R], error) {
	if p.depth > maxFilterDepth {
		return nil, syntaxError("'not' and parentheses nest deeper than %d (character %d)", maxFilterDepth, p.peek().pos+1)
	}
	p.depth++
	defer func() { p.depth-- }()
	switch {
	case p.keyword("not"):
		inner, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(r R) bool { return !inner(r) }, nil
	case p.peek().kind == tokOpen:
		p.next()
		inner, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek().kind != tokClose {
			return nil, p.unexpected("')'")
		}
		p.next()
		return inner, nil
	}
	return p.comparison()
}

func (p *parser[R]) comparison() (predicate[R], error) {
	name := p.peek()
	if name.kind != tokWord {
		return nil, p.unexpected("a field name")
	}
	fl, ok := p.fields.lookup(name.text)
	if !ok {
		return nil, syntaxError("unknown field '%s'", excerpt(name.text))
	}
	p.next()
	var negate bool
	switch {
	case p.keyword("eq"):
	case p.keyword("ne"):
		negate = true
	default:
		return nil, p.unexpected("'eq' or 'ne' after " + fl.name)
	}
	want, err := p.literal(fl)
	if err != nil {
		return nil, err
	}
	get := fl.get
	return func(r R) bool { return strings.EqualFold(get(r), want) != negate }, nil
}

// literal reads the value fl is compared with: true or false for a boolean field, a quoted
// string for the others.
func (p *parser[R]) literal(fl field[R]) (string, error) {
	t := p.peek()
	switch {
	case fl.boolean && t.kind == tokWord && (strings.EqualFold(t.text, "true") || strings.EqualFold(t.text, "false")):
		p.next()
		return strings.ToLower(t.text), nil
	case fl.boolean:
		return "", p.unexpected(fl.name + " to be compared with true or false")
	case t.kind == tokString:
		p.next()
		return t.text, nil
	}
	return "", p.unexpected(fl.name + " to be compared with a quoted string such as 'value'")
}
