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

	"github.com/kubearc/kubearc/internal/ociimage"
)

func pushCommand() *cobra.Command {
	var from, registry string
	var images []string
	var insecure bool
	cmd := &cobra.Command{
		Use:   "push",
		Short: "Push the images that the images command wrote to a registry",
		Long: "Push each <from>/<image> OCI layout, the multi-platform index and its platform images, to\n" +
			"<registry>/<image>:<tag>, with the credentials of the Docker config (~/.docker/config.json,\n" +
			"as docker login, crane auth login or podman login --authfile write it).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var opts []name.Option
			if insecure {
				opts = append(opts, name.Insecure)
			}
			for _, img := range images {
				repo, err := name.NewRepository(registry+"/"+img, opts...)
				if err != nil {
					return fmt.Errorf("invalid --registry %q: %w (want host[:port][/path], e.g. registry.example.com/kubearc)", registry, err)
				}
				pushed, err := ociimage.PushLayout(cmd.Context(), filepath.Join(from, img), repo)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "pushed %s\n", pushed)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "bin/images", "directory the images command wrote")
	f.StringVar(&registry, "registry", "", "registry and path to push to, e.g. registry.example.com/kubearc (required)")
	f.StringSliceVar(&images, "images", []string{ociimage.AgentName, ociimage.HubName}, "images to push")
	f.BoolVar(&insecure, "insecure", false, "reach the registry over plain HTTP")
	_ = cmd.MarkFlagRequired("registry")
	return cmd
}
