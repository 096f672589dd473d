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
	"errors"
	"fmt"
	"strings"
)

// tokenKind is the kind of a $filter token.
type tokenKind int

const (
	tokEnd tokenKind = iota
	// tokWord is a field name or a keyword (and, or, not, eq, ne, true, false).
	tokWord
	// tokString is a quoted string; text is its value, '' unescaped.
	tokString
	tokOpen
	tokClose
)

// token is one token of a $filter; pos is its byte offset.
type token struct {
	kind tokenKind
	text string
	pos  int
}

func syntaxError(format string, args ...any) error { return fmt.Errorf(format, args...) }

// tokenize splits a $filter into tokens, the last one tokEnd.
func tokenize(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			kind := tokOpen
			if c == ')' {
				kind = tokClose
			}
			toks = append(toks, token{kind: kind, text: string(c), pos: i})
			i++
		case c == '\'':
			t, n, err := quoted(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = n
		case isWordByte(c):
			n := i
			for n < len(s) && isWordByte(s[n]) {
				n++
			}
			toks = append(toks, token{kind: tokWord, text: s[i:n], pos: i})
			i = n
		default:
			return nil, syntaxError("unexpected '%c' (character %d)", c, i+1)
		}
	}
	return append(toks, token{kind: tokEnd, pos: len(s)}), nil
}

// quoted reads the quoted string at s[start] and returns it and the offset after it. A
// quote inside is written twice, as in OData.
func quoted(s string, start int) (token, int, error) {
	var b strings.Builder
	for i := start + 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return token{kind: tokString, text: b.String(), pos: start}, i + 1, nil
	}
	return token{}, 0, errors.New("a quoted string is not closed")
}

// isWordByte reports whether c may be part of a field name or keyword.
func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
