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

package loadgen

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// ExitCode runs a load program's run until it returns or the program is interrupted, and
// gives its exit code: 0 for a valid run, 1 when it could not run (the error is printed after
// name), 2 when the run is invalid.
func ExitCode(name string, run func(context.Context) (bool, error)) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	valid, err := run(ctx)
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, name+":", err)
		return 1
	case !valid:
		return 2
	default:
		return 0
	}
}
