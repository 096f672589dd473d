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

import "github.com/kubearc/kubearc/internal/helm/installer"

// redactErr keeps err's type (callers tell install and upgrade failures apart) and redacts
// its message.
func redactErr(err error, protected map[string]string) error {
	if err == nil || len(protected) == 0 {
		return err
	}
	return &redactedError{err: err, msg: installer.Redact(err.Error(), protected)}
}

type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }

// Unwrap lets errors.As find the Helm error type; its own message is not shown.
func (e *redactedError) Unwrap() error { return e.err }
