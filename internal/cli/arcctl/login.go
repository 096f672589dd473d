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

package arcctl

import (
	"bufio"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/internal/cli/config"
)

// envToken names the environment variable login reads the token from when --token is not set.
const envToken = "KUBEARC_TOKEN"

type loginOptions struct {
	hub          string
	token        string
	caFile       string
	subscription string
}

func (a *app) loginCommand() *cobra.Command {
	var o loginOptions
	cmd := &cobra.Command{
		Use:   "login --hub URL [--token TOKEN | --token -] [--ca-file FILE] [--subscription S]",
		Short: "Log in to a kubearc hub and save the hub, token and CA for later commands",
		Long: "Log in to a kubearc hub: check that the hub is reachable and accepts the token, then save\n" +
			"the hub URL, the token, the CA bundle (its content, so the file may move) and a default\n" +
			"subscription to the configuration file (mode 0600).\n\n" +
			"Keep the token out of shell history: pass --token - to read it from stdin, or set " + envToken + ".\n" +
			"Logging in again to the same hub keeps the saved CA and subscription unless new ones are given.",
		Example: "  arcctl login --hub https://hub.example.com:8443 --ca-file ca.crt --subscription 0000-aa --token -",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.login(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.hub, "hub", "", "the hub's URL, e.g. https://hub.example.com:8443")
	f.StringVar(&o.token, "token", "", "bearer token; '-' reads it from stdin (default $"+envToken+")")
	f.StringVar(&o.caFile, "ca-file", "", "PEM file of the CA that signed the hub's certificate (default: the system's trusted CAs)")
	f.StringVar(&o.subscription, "subscription", "", "default subscription for later commands")
	_ = cmd.MarkFlagRequired("hub")
	return cmd
}

func (a *app) login(cmd *cobra.Command, o loginOptions) error {
	endpoint, err := armclient.ParseEndpoint(o.hub)
	if err != nil {
		return err
	}
	path, err := a.configPath()
	if err != nil {
		return err
	}
	cfg := &config.Config{Hub: endpoint.String(), Subscription: o.subscription}
	if prev, err := config.Load(path); err == nil && prev.Hub == cfg.Hub {
		cfg.CertificateAuthorityData = prev.CertificateAuthorityData
		if cfg.Subscription == "" {
			cfg.Subscription = prev.Subscription
		}
	}
	if o.caFile != "" {
		if cfg.CertificateAuthorityData, err = readCABundle(o.caFile); err != nil {
			return err
		}
	}
	if cfg.Token, err = a.loginToken(o.token); err != nil {
		return err
	}
	who, err := checkLogin(cmd, cfg)
	if err != nil {
		return err
	}
	if err := config.Save(path, cfg); err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "Logged in to %s as %s (%s at scope %s). Configuration saved to %s.\n", cfg.Hub, who.Name, who.Role, who.Scope, path)
	if cfg.Subscription == "" {
		fmt.Fprintln(out, "No default subscription is set: pass --subscription to connectedk8s commands, or log in again with --subscription.")
	}
	return nil
}

// checkLogin asks the hub who the token is, with a message saying what to fix when it fails.
func checkLogin(cmd *cobra.Command, cfg *config.Config) (armclient.Token, error) {
	client, err := armclient.New(armclient.Options{Endpoint: cfg.Hub, Token: cfg.Token, CAPEM: []byte(cfg.CertificateAuthorityData)})
	if err != nil {
		return armclient.Token{}, err
	}
	who, err := client.WhoAmI(cmd.Context())
	if err == nil {
		return who, nil
	}
	return who, loginError(cfg, err)
}

func loginError(cfg *config.Config, err error) error {
	var re *armclient.ResponseError
	switch {
	case errors.As(err, &re) && re.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("the hub rejected the token (%s); check the token, or ask the hub's owner for a new one", re.Message)
	case armclient.IsCertificateError(err):
		return fmt.Errorf("cannot verify the TLS certificate of the hub at %s: %w", cfg.Hub, err)
	case errors.As(err, &re):
		return fmt.Errorf("the hub at %s refused the login check: %w", cfg.Hub, err)
	}
	return fmt.Errorf("cannot reach the hub at %s: %w", cfg.Hub, err)
}

// readCABundle reads a PEM file and checks it holds at least one certificate.
func readCABundle(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading --ca-file: %w", err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(data) {
		return "", fmt.Errorf("--ca-file %s holds no PEM certificate", path)
	}
	return string(data), nil
}

// loginToken returns the token from --token, stdin (--token -) or the environment.
func (a *app) loginToken(flag string) (string, error) {
	token := flag
	switch flag {
	case "-":
		t, err := a.readSecret("Token: ")
		if err != nil {
			return "", fmt.Errorf("reading the token from stdin: %w", err)
		}
		token = t
	case "":
		token = a.getenv(envToken)
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return "", errors.New("no token: pass --token TOKEN, --token - to read it from stdin, or set " + envToken)
	}
	return token, nil
}

// readSecret reads one line from stdin, without echo when it is a terminal.
func (a *app) readSecret(prompt string) (string, error) {
	if f, ok := a.streams.In.(*os.File); ok && a.streams.Interactive {
		fmt.Fprint(a.streams.Err, prompt)
		secret, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.streams.Err)
		return string(secret), err
	}
	line, err := bufio.NewReader(a.streams.In).ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return line, nil
}
