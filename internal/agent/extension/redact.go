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

package extension

import "strings"

// redact removes protected values from a message meant for status, events or logs. Values
// shorter than three characters are left: they cannot be told apart from ordinary text.
func redact(msg string, protected map[string]string) string {
	for _, v := range protected {
		if len(v) >= 3 {
			msg = strings.ReplaceAll(msg, v, "[redacted]")
		}
	}
	return msg
}

// redactErr keeps err's type (callers tell install and upgrade failures apart) and redacts
// its message.
func redactErr(err error, protected map[string]string) error {
	if err == nil || len(protected) == 0 {
		return err
	}
	return &redactedError{err: err, msg: redact(err.Error(), protected)}
}

type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }

// Unwrap lets errors.As find the Helm error type; its own message is not shown.
func (e *redactedError) Unwrap() error { return e.err }
