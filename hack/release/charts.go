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
	"fmt"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/spf13/cobra"
	"helm.sh/helm/v4/pkg/registry"

	"github.com/kubearc/kubearc/internal/chartrepo"
)

func chartsCommand() *cobra.Command {
	var chartsDir, out, baseURL string
	var created int64
	cmd := &cobra.Command{
		Use:   "charts",
		Short: "Package every chart under charts/ into a chart repository with an index.yaml",
		Long: "Package every chart under --charts (each directory with a Chart.yaml) as helm package does,\n" +
			"into --out, and write --out/index.yaml, which lists every archive there. Serve the directory\n" +
			"with any static file server and point helm repo add, or the hub's --catalog, at its URL.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			archives, err := chartrepo.Build(chartsDir, out, chartrepo.Options{BaseURL: baseURL, ModTime: creationTime(created)})
			if err != nil {
				return err
			}
			for _, a := range archives {
				fmt.Fprintln(cmd.OutOrStdout(), a)
			}
			fmt.Fprintln(cmd.OutOrStdout(), filepath.Join(out, chartrepo.IndexFile))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&chartsDir, "charts", "charts", "directory whose subdirectories are charts")
	f.StringVar(&out, "out", "bin/charts", "the chart repository's directory")
	f.StringVar(&baseURL, "url", "", "URL the repository is served at, for absolute chart URLs in index.yaml; empty keeps them relative")
	f.Int64Var(&created, "created", 0, "time stamped on the archives' files and the index, in Unix seconds; 0 means $SOURCE_DATE_EPOCH, else now")
	return cmd
}

func pushChartsCommand() *cobra.Command {
	var from, registryPath string
	var insecure bool
	var created int64
	cmd := &cobra.Command{
		Use:   "push-charts",
		Short: "Push the chart archives that the charts command wrote to an OCI registry",
		Long: "Push every chart archive in --from to oci://<registry>/charts/<name>:<version>, as helm push\n" +
			"does: with --registry ghcr.io/kubearc that is where the hub's built-in catalog looks\n" +
			"(oci://ghcr.io/kubearc/charts). Credentials come from helm registry login, else the Docker config.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var nameOpts []name.Option
			if insecure {
				nameOpts = append(nameOpts, name.Insecure)
			}
			repo, err := name.NewRepository(registryPath+"/charts", nameOpts...)
			if err != nil {
				return fmt.Errorf("invalid --registry %q: %w (want host[:port][/path], e.g. registry.example.com/kubearc)", registryPath, err)
			}
			var opts []registry.ClientOption
			if repo.Scheme() == "http" { // --insecure or localhost, as for the images
				opts = append(opts, registry.ClientOptPlainHTTP())
			}
			pushed, err := chartrepo.PushOCI(from, repo.Name(), creationTime(created), opts...)
			for _, ref := range pushed {
				fmt.Fprintln(cmd.OutOrStdout(), "pushed", ref)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "bin/charts", "directory the charts command wrote")
	f.StringVar(&registryPath, "registry", "", "registry and path; the charts go to <registry>/charts (required)")
	f.BoolVar(&insecure, "insecure", false, "reach the registry over plain HTTP")
	f.Int64Var(&created, "created", 0, "time stamped on the manifests, in Unix seconds; 0 means $SOURCE_DATE_EPOCH, else now")
	_ = cmd.MarkFlagRequired("registry")
	return cmd
}
