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

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/policyinsights/armpolicyinsights"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

func (p *policyCommands) stateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "Show the compliance of connected clusters with their policies (Microsoft.PolicyInsights)",
		Long: "Show the latest policy states, as 'az policy state' does: one record per cluster and\n" +
			"assignment, its compliance as the cluster's agent last reported Gatekeeper's audit. Agents\n" +
			"report each audit as it ends; 'trigger-scan' asks them to report at once.",
	}
	cmd.AddCommand(p.stateListCommand(), p.stateSummarizeCommand(), p.stateTriggerScanCommand())
	return cmd
}

// stateFlags choose the policy states to read, as az policy state names them.
type stateFlags struct {
	resource   string
	group      string
	assignment string
	filter     string
	top        int32
}

func (f *stateFlags) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.resource, "resource", "", "a connected cluster: its ID, or its name with -g")
	fl.StringVarP(&f.group, "resource-group", "g", "", "resource group: its states, or the group of --resource or --policy-assignment")
	fl.StringVarP(&f.assignment, "policy-assignment", "a", "",
		"policy assignment: its ID, or its name at the subscription (at the resource group with -g)")
	fl.StringVar(&f.filter, "filter", "", `OData filter, e.g. "complianceState eq 'NonCompliant'"`)
	fl.Int32Var(&f.top, "top", 0, "return at most this many records")
	cmd.MarkFlagsMutuallyExclusive("resource", "policy-assignment")
}

// query is the OData query of the flags.
func (f stateFlags) query() (armclient.PolicyStatesQuery, error) {
	if f.top < 0 {
		return armclient.PolicyStatesQuery{}, fmt.Errorf("--top must be a positive number, not %d", f.top)
	}
	return armclient.PolicyStatesQuery{Filter: f.filter, Top: f.top}, nil
}

// scope is the scope of the states asked for, as az chooses it: the assignment of -a, else
// the cluster of --resource, else the resource group of -g, else the subscription sub.
func (f stateFlags) scope(sub string) (string, error) {
	switch {
	case strings.HasPrefix(f.assignment, "/"):
		if !strings.Contains(strings.ToLower(f.assignment), strings.ToLower(assignmentsSegment)) {
			return "", fmt.Errorf("--policy-assignment %q is not a policy assignment ID (…%sNAME)", f.assignment, assignmentsSegment)
		}
		return f.assignment, nil
	case f.assignment != "":
		scope, err := groupScope(sub, f.group)
		return scope + assignmentsSegment + f.assignment, err
	case strings.HasPrefix(f.resource, "/"):
		id, err := armid.ParseClusterID(f.resource)
		if err != nil {
			return "", fmt.Errorf("--resource: %w", err)
		}
		return id.String(), nil
	case f.resource != "":
		return clusterScope(sub, f.group, f.resource)
	}
	return groupScope(sub, f.group)
}

// clusterScope is the ID of the connected cluster --resource names in the group of -g.
func clusterScope(sub, group, name string) (string, error) {
	if group == "" {
		return "", fmt.Errorf("--resource %q is a name: give its resource group with -g, or give its ID", name)
	}
	id := armid.ClusterID{Subscription: sub, ResourceGroup: group, Name: name}
	if err := id.Validate(); err != nil {
		return "", fmt.Errorf("--resource: %w", err)
	}
	return id.String(), nil
}

// stateTarget returns a hub client, the scope and the query of the flags.
func (p *policyCommands) stateTarget(f stateFlags) (*armclient.Client, string, armclient.PolicyStatesQuery, error) {
	q, err := f.query()
	if err != nil {
		return nil, "", q, err
	}
	client, sub, err := p.clusterSession()
	if err != nil {
		return nil, "", q, err
	}
	scope, err := f.scope(sub)
	return client, scope, q, err
}

func (p *policyCommands) stateListCommand() *cobra.Command {
	var f stateFlags
	cmd := &cobra.Command{
		Use:   "list [--resource CLUSTER] [-g GROUP] [-a ASSIGNMENT] [--filter FILTER] [--top N]",
		Short: "List the latest policy states: each cluster's compliance with each assignment",
		Example: "  arcctl policy state list -g edge-eu --filter \"complianceState eq 'NonCompliant'\"\n" +
			"  arcctl policy state list --resource store-042 -g edge-eu\n" +
			"  arcctl policy state list -a ns-labels -g edge-eu --top 10",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, scope, q, err := p.stateTarget(f)
			if err != nil {
				return err
			}
			states, err := allPages(cmd.Context(), client.ListPolicyStates(scope, q), statesOf)
			if err != nil {
				return fmt.Errorf("listing the policy states of %s: %w", scope, err)
			}
			if q.Top > 0 && len(states) > int(q.Top) {
				states = states[:q.Top]
			}
			return printList(p, cmd, states, "No policy states at scope '"+scope+"'.", writeStateTable)
		},
	}
	f.addFlags(cmd)
	return cmd
}

func (p *policyCommands) stateSummarizeCommand() *cobra.Command {
	var f stateFlags
	cmd := &cobra.Command{
		Use:   "summarize [--resource CLUSTER] [-g GROUP] [-a ASSIGNMENT] [--filter FILTER] [--top N]",
		Short: "Summarize the latest policy states: non-compliant resources and policies, per assignment",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, scope, q, err := p.stateTarget(f)
			if err != nil {
				return err
			}
			results, err := client.SummarizePolicyStates(cmd.Context(), scope, q)
			if err != nil {
				return fmt.Errorf("summarizing the policy states of %s: %w", scope, err)
			}
			summary, err := onlySummary(results)
			if err != nil {
				return err
			}
			return p.output.print(cmd.OutOrStdout(), summary, func(w io.Writer) error { return writeSummary(w, summary) })
		},
	}
	f.addFlags(cmd)
	return cmd
}

// statesOf are the policy states of a page.
func statesOf(page armpolicyinsights.PolicyStatesQueryResults) []*armpolicyinsights.PolicyState {
	return page.Value
}

// onlySummary is the one summary of a summarize answer, as az shows it.
func onlySummary(results *armpolicyinsights.SummarizeResults) (*armpolicyinsights.Summary, error) {
	if results == nil || len(results.Value) == 0 || results.Value[0] == nil {
		return nil, errors.New("the hub answered a summary without a value")
	}
	return results.Value[0], nil
}
