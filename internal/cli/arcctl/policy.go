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
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// kubernetesMode is the mode of Azure Policy for Kubernetes definitions, the ones kubearc
// enforces with Gatekeeper in the clusters.
const kubernetesMode = "Microsoft.Kubernetes.Data"

// policyCommands are the policy commands, in the shape of 'az policy'. They share
// --subscription with the connectedk8s commands.
type policyCommands struct {
	*clusterCommands
}

func (a *app) policyCommand() *cobra.Command {
	p := &policyCommands{clusterCommands: &clusterCommands{app: a}}
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Manage Azure Policy for Kubernetes: definitions, assignments and compliance",
		Long: "Manage policies of connected clusters, as 'az policy' does for Azure Arc: a definition\n" +
			"(mode " + kubernetesMode + ") holds a Gatekeeper constraint template and its parameters; an\n" +
			"assignment applies it to a subscription, resource group or cluster. The hub sends each\n" +
			"assignment to the agents of the clusters in its scope, which enforce it with Gatekeeper\n" +
			"(adding the Gatekeeper extension when a cluster has none) and report compliance back:\n" +
			"'arcctl policy state list|summarize' shows it.",
	}
	cmd.PersistentFlags().StringVar(&p.subscription, "subscription", "", "subscription (default: the one saved by 'arcctl login')")
	cmd.AddCommand(p.definitionCommand(), p.assignmentCommand(), p.stateCommand())
	return cmd
}

// lastSegment is the last segment of an ARM ID: the name of the resource it identifies.
func lastSegment(id string) string {
	return id[strings.LastIndex(id, "/")+1:]
}

// onNamed makes cmd a command on the noun -n names: it checks the name, resolves where the
// noun is, then runs run.
func onNamed(cmd *cobra.Command, noun string, resolve func() (policyTarget, error), run func(*cobra.Command, policyTarget, string) error) *cobra.Command {
	var name string
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := checkName(name); err != nil {
			return err
		}
		t, err := resolve()
		if err != nil {
			return err
		}
		return run(cmd, t, name)
	}
	addNameFlag(cmd, &name, noun)
	return cmd
}

// printList prints items in the output format asked for; as a table, none is the line empty
// on stderr.
func printList[T any](p *policyCommands, cmd *cobra.Command, items []T, empty string, table func(io.Writer, []T) error) error {
	if len(items) == 0 && p.output == outputTable {
		fmt.Fprintln(p.streams.Err, empty)
		return nil
	}
	return p.output.print(cmd.OutOrStdout(), items, func(w io.Writer) error { return table(w, items) })
}

// addNameFlag adds the required -n/--name, the name of a noun.
func addNameFlag(cmd *cobra.Command, name *string, noun string) {
	cmd.Flags().StringVarP(name, "name", "n", "", "name of the "+noun)
	_ = cmd.MarkFlagRequired("name")
}

// checkName refuses an empty --name, which would name the whole collection.
func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("--name must not be empty")
	}
	return nil
}

// reportDeleted says that a delete removed the noun name, or that there was none; where says
// where it was, e.g. "at scope '/subscriptions/…'".
func reportDeleted(w io.Writer, existed bool, noun, name, where string) {
	if existed {
		fmt.Fprintf(w, "Deleted %s '%s' %s.\n", noun, name, where)
		return
	}
	fmt.Fprintf(w, "%s%s '%s' %s does not exist; nothing to delete.\n", strings.ToUpper(noun[:1]), noun[1:], name, where)
}
