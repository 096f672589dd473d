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

package browsertest

import (
	"fmt"
	"strings"
)

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string { return jsonOf(s) }

// labelledJS finds, under root, the form control named want the way a screen reader names
// it: by its <label> (for= or nesting) or its aria-label, case-insensitively; an exact name
// wins over one that only contains want.
const labelledJS = `((root, want) => {
  want = want.toLowerCase();
  const named = [];
  for (const l of root.querySelectorAll('label')) {
    const c = l.control || (l.htmlFor && document.getElementById(l.htmlFor));
    if (c) named.push([l.textContent, c]);
  }
  for (const c of root.querySelectorAll('[aria-label]')) named.push([c.getAttribute('aria-label'), c]);
  const norm = (s) => s.replace(/\s+/g, ' ').trim().toLowerCase();
  const exact = named.find(([n]) => norm(n) === want);
  if (exact) return exact[1];
  const part = named.find(([n]) => norm(n).includes(want));
  return part ? part[1] : null;
})`

// formOfJS is the form holding the control labelled within, or the document when within is "".
func formOfJS(within string) string {
	if within == "" {
		return "document"
	}
	return fmt.Sprintf("(%s(document, %s) || {}).form", labelledJS, jsString(within))
}

// buttonJS finds the button (or submit input) whose text or aria-label contains text.
const buttonJS = `((want) => {
  want = want.toLowerCase();
  for (const c of document.querySelectorAll('button, input[type=submit]')) {
    const name = (c.getAttribute('aria-label') || c.textContent || c.value || '').toLowerCase();
    if (name.includes(want)) return c;
  }
  return null;
})`

// Fill sets the value of the control labelled label (a text input, textarea or select) and
// fires its input and change events.
func (b *Browser) Fill(label, value string) { b.t.Helper(); b.FillIn("", label, value) }

// FillIn is Fill within the form that holds the control labelled within: the page may have
// several forms with a "Name" field.
func (b *Browser) FillIn(within, label, value string) {
	b.t.Helper()
	js := fmt.Sprintf(`(() => { const root = %s; if (!root) return false;
  const c = %s(root, %s); if (!c) return false;
  c.value = %s; c.dispatchEvent(new Event('input', {bubbles: true}));
  c.dispatchEvent(new Event('change', {bubbles: true})); return c.value === %[4]s })()`,
		formOfJS(within), labelledJS, jsString(label), jsString(value))
	b.Until(fmt.Sprintf("a control labelled %s to take %s", jsString(label), jsString(value)), Wait,
		func() error { return b.expectTrue(js) })
}

// SubmitFormOf submits the form holding the control labelled within, as its submit button
// would, and returns the next page's HTTP status.
func (b *Browser) SubmitFormOf(within string) int {
	b.t.Helper()
	form := formOfJS(within)
	b.Until("a form with "+jsString(within), Wait, func() error { return b.expectTrue(form + " instanceof HTMLFormElement") })
	return b.Submit(form + ".requestSubmit()")
}

// Press clicks the button named text, waits for the page it leads to, and returns that
// page's HTTP status.
func (b *Browser) Press(text string) int {
	b.t.Helper()
	b.Until("a button named "+jsString(text), Wait, func() error { return b.expectTrue(b.hasButton(text)) })
	return b.Submit(fmt.Sprintf("%s(%s).click()", buttonJS, jsString(text)))
}

// Buttons returns the names of the page's buttons, to check which actions a user is offered.
func (b *Browser) Buttons() []string {
	b.t.Helper()
	var names []string
	js := `[...document.querySelectorAll('button, input[type=submit]')].map(c => (c.getAttribute('aria-label') || c.textContent || c.value || '').trim())`
	if err := b.Eval(js, &names); err != nil {
		b.t.Fatalf("%v", err)
	}
	return names
}

// Forms returns the methods and actions of the page's forms ("POST /portal/…").
func (b *Browser) Forms() []string {
	b.t.Helper()
	var forms []string
	js := `[...document.forms].map(f => f.method.toUpperCase() + ' ' + new URL(f.action).pathname)`
	if err := b.Eval(js, &forms); err != nil {
		b.t.Fatalf("%v", err)
	}
	return forms
}

func (b *Browser) hasButton(text string) string {
	return fmt.Sprintf("%s(%s) !== null", buttonJS, jsString(text))
}

// SignIn opens url (the sign-in page, or a page that answers 401 with the sign-in form),
// enters token in the field labelled "token" and presses "Sign in". It fails unless the
// next page is 200 OK.
func (b *Browser) SignIn(url, token string) {
	b.t.Helper()
	b.Open(url)
	b.Fill("token", token)
	b.ExpectStatus("signing in", b.Press("sign in"), 200)
}

// WaitText waits, without reloading, until the page's visible text contains text.
func (b *Browser) WaitText(text string) {
	b.t.Helper()
	b.Until(jsString(text)+" on the page", Wait, func() error {
		if !strings.Contains(b.Text(), text) {
			return fmt.Errorf("the page does not show %q", text)
		}
		return nil
	})
}

// Row returns the cells' text of the first table row whose text contains text, or nil.
func (b *Browser) Row(text string) []string {
	b.t.Helper()
	var cells []string
	js := fmt.Sprintf(`(() => { for (const r of document.querySelectorAll('tr')) {
  if (r.innerText.includes(%s)) return [...r.cells].map(c => c.innerText.trim()); } return null })()`, jsString(text))
	if err := b.Eval(js, &cells); err != nil {
		b.t.Fatalf("%v", err)
	}
	return cells
}

// Headers returns the text of the header cells of the first table whose rows contain text.
func (b *Browser) Headers(text string) []string {
	b.t.Helper()
	var cells []string
	js := fmt.Sprintf(`(() => { for (const t of document.querySelectorAll('table')) {
  if (!t.innerText.includes(%s)) continue;
  return [...t.querySelectorAll('th')].map(c => c.innerText.trim()); } return null })()`, jsString(text))
	if err := b.Eval(js, &cells); err != nil {
		b.t.Fatalf("%v", err)
	}
	return cells
}

func (b *Browser) expectTrue(js string) error {
	var ok bool
	if err := b.Eval(js, &ok); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s is false", trimmed(js))
	}
	return nil
}
