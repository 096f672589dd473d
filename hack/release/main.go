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

// Command release makes kubearc's release artifacts without a Docker engine: the agent and
// hub images as multi-platform OCI images (make images), pushed to a registry (make push),
// and the Helm charts as a chart repository (make charts). See docs/release.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "release",
		Short:         "Build kubearc's images and chart repository, with no Docker engine",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(imagesCommand(), pushCommand(), chartsCommand(), pushChartsCommand(), serveChartsCommand())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := root.ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}
