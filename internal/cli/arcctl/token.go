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
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

func (a *app) tokenCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage the hub's user tokens (needs the Owner role)",
	}
	cmd.AddCommand(a.tokenCreateCommand(), a.tokenListCommand(), a.tokenRevokeCommand())
	return cmd
}

func (a *app) tokenCreateCommand() *cobra.Command {
	var req armclient.TokenRequest
	var expiresIn time.Duration
	cmd := &cobra.Command{
		Use:   "create --name N --role Reader|Contributor|Owner [--scope SCOPE] [--expires-in 720h]",
		Short: "Create a token; its secret is printed once",
		Long: "Create a token with a role at a scope. The secret is printed only now: the hub keeps\n" +
			"only its hash. A token can grant at most the caller's own role within the caller's scope.",
		Example: "  arcctl token create --name ci --role Reader --scope /subscriptions/0000-aa/resourceGroups/edge-eu --expires-in 720h",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if expiresIn < 0 {
				return fmt.Errorf("--expires-in must not be negative, got %s", expiresIn)
			}
			if expiresIn > 0 {
				req.ExpiresIn = expiresIn.String()
			}
			t, err := fromHub(a, cmd, fmt.Sprintf("creating token %q", req.Name), func(client *armclient.Client, ctx context.Context) (*armclient.Token, error) {
				return client.CreateToken(ctx, req)
			})
			if err != nil {
				return err
			}
			return a.output.print(cmd.OutOrStdout(), t, func(w io.Writer) error { return writeCreatedToken(w, t) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Name, "name", "", "name of the token, e.g. who or what uses it")
	f.StringVar(&req.Role, "role", "", "role: Reader, Contributor or Owner")
	f.StringVar(&req.Scope, "scope", "/", "scope: /, /subscriptions/S or /subscriptions/S/resourceGroups/G")
	f.DurationVar(&expiresIn, "expires-in", 0, "lifetime, e.g. 720h (default: does not expire)")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func (a *app) tokenListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the tokens within your scope (secrets are never shown)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tokens, err := fromHub(a, cmd, "listing tokens", (*armclient.Client).ListTokens)
			if err != nil {
				return err
			}
			if tokens == nil {
				tokens = []armclient.Token{}
			}
			return a.output.print(cmd.OutOrStdout(), tokens, func(w io.Writer) error { return writeTokenTable(w, tokens) })
		},
	}
}

func (a *app) tokenRevokeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token; the hub refuses it from then on",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			client, _, err := a.session()
			if err != nil {
				return err
			}
			if err := client.RevokeToken(cmd.Context(), args[0]); err != nil {
				return fmt.Errorf("revoking token %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Revoked token %s.\n", args[0])
			return nil
		},
	}
}

func writeCreatedToken(w io.Writer, t *armclient.Token) error {
	_, err := fmt.Fprintf(w, "Created token %q (ID %s): role %s at scope %s, expires %s.\n\n"+
		"Token (shown only now; the hub keeps only its hash, so store it safely):\n%s\n",
		t.Name, t.ID, t.Role, t.Scope, expiry(t.ExpiresAt), t.Secret)
	return err
}

func writeTokenTable(w io.Writer, tokens []armclient.Token) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tSCOPE\tCREATED\tEXPIRES")
	for _, t := range tokens {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.Scope, timestamp(&t.CreatedAt), expiry(t.ExpiresAt))
	}
	return tw.Flush()
}

func expiry(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return timestamp(t)
}
