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

// Command arcctl is the kubearc user CLI: log in to a hub, manage connected clusters and
// tokens. The commands live in internal/arcctl.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/kubearc/kubearc/internal/cli/arcctl"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := arcctl.Execute(ctx, os.Args[1:], arcctl.StdStreams(), os.Getenv)
	stop()
	os.Exit(code)
}
