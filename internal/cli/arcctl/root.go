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

// Package arcctl implements the arcctl command line, modelled on 'az login' and
// 'az connectedk8s': log in to a kubearc hub, then manage connected clusters and tokens.
package arcctl

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/internal/cli/config"
	"github.com/kubearc/kubearc/internal/version"
)

// Streams are the command's standard streams.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// Interactive says In is a terminal a person types into, so arcctl may ask questions.
	Interactive bool
}

// StdStreams are the process's standard streams.
func StdStreams() Streams {
	return Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Interactive: term.IsTerminal(int(os.Stdin.Fd()))}
}

// Execute runs arcctl with args, prints an error the way the Azure CLI does ("Error: …") and
// returns the process exit code. getenv reads the environment (os.Getenv in main).
func Execute(ctx context.Context, args []string, streams Streams, getenv func(string) string) int {
	root := NewRootCommand(streams, getenv)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(streams.Err, "Error:", describe(err))
		return 1
	}
	return 0
}

// app is what every command shares: streams, environment and the global flags.
type app struct {
	streams    Streams
	getenv     func(string) string
	configFlag string
	output     outputFormat
}

// NewRootCommand returns the arcctl command tree.
func NewRootCommand(streams Streams, getenv func(string) string) *cobra.Command {
	a := &app{streams: streams, getenv: getenv, output: outputTable}
	root := &cobra.Command{
		Use:   "arcctl",
		Short: "Manage Kubernetes clusters connected to a kubearc hub",
		Long: "arcctl manages Kubernetes clusters connected to a kubearc hub, the way 'az connectedk8s'\n" +
			"manages Azure Arc-enabled Kubernetes clusters. Start with 'arcctl login'.",
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFlag, "config", "", "configuration file (default $"+config.EnvPath+" or ~/.kubearc/config.yaml)")
	pf.VarP(&a.output, "output", "o", "output format: table, json or yaml")
	root.AddCommand(a.loginCommand(), a.connectedk8sCommand(), a.tokenCommand(), a.k8sExtensionCommand(),
		a.k8sConfigurationCommand(), a.policyCommand(), a.customLocationCommand(), a.resourceCommand(), a.monitoringCommand())
	return root
}

// configPath is the configuration file in use.
func (a *app) configPath() (string, error) {
	return config.Path(a.configFlag, a.getenv)
}

// session loads the configuration and returns a client of the hub it names.
func (a *app) session() (*armclient.Client, *config.Config, error) {
	path, err := a.configPath()
	if err != nil {
		return nil, nil, err
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, nil, err
	}
	client, err := armclient.New(armclient.Options{Endpoint: cfg.Hub, Token: cfg.Token, CAPEM: []byte(cfg.CertificateAuthorityData)})
	if err != nil {
		return nil, nil, fmt.Errorf("the configuration %s: %w", path, err)
	}
	return client, cfg, nil
}

// fromHub calls the hub as the saved login; doing says what call does, for its error.
func fromHub[T any](a *app, cmd *cobra.Command, doing string, call func(*armclient.Client, context.Context) (T, error)) (T, error) {
	var none T
	client, _, err := a.session()
	if err != nil {
		return none, err
	}
	v, err := call(client, cmd.Context())
	if err != nil {
		return none, fmt.Errorf("%s: %w", doing, err)
	}
	return v, nil
}
