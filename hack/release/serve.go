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

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// serveChartsCommand serves a chart repository directory read-only over HTTP, for the
// quickstart's catalog on a machine without internet access.
func serveChartsCommand() *cobra.Command {
	var dir, listen string
	cmd := &cobra.Command{
		Use:   "serve-charts",
		Short: "Serve a chart repository directory (make charts) over HTTP until interrupted",
		Long: "Serve --dir (a chart repository: archives and index.yaml, as make charts writes it)\n" +
			"read-only over plain HTTP on --listen, for a local catalog (make quickstart). Use a real\n" +
			"web server or an OCI registry (make push-charts) for anything else.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return serveDir(cmd.Context(), cmd, dir, listen) },
	}
	cmd.Flags().StringVar(&dir, "dir", "bin/charts", "the chart repository's directory")
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8480", "address to serve on")
	return cmd
}

func serveDir(ctx context.Context, cmd *cobra.Command, dir, listen string) error {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", listen, err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(cmd.OutOrStdout(), "serving the chart repository %s at http://%s\n", dir, ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
