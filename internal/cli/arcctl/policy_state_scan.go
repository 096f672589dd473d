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
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

// scanPollInterval is how often trigger-scan asks the hub whether the scan ended; azcore's
// poller takes a second at least.
const scanPollInterval = time.Second

func (p *policyCommands) stateTriggerScanCommand() *cobra.Command {
	var group string
	var wait waitFlags
	cmd := &cobra.Command{
		Use:   "trigger-scan [-g GROUP] [--no-wait]",
		Short: "Scan the compliance of the clusters of the subscription or of a resource group now",
		Long: "Ask for a compliance scan now, as 'az policy state trigger-scan' does: the hub asks the agents of\n" +
			"the clusters in the scope to report their Gatekeeper audit at once, and the scan ends when they\n" +
			"have. arcctl waits for that unless --no-wait is given; 'arcctl policy state summarize' then\n" +
			"shows the results.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return p.triggerScan(cmd, group, wait) },
	}
	cmd.Flags().StringVarP(&group, "resource-group", "g", "", "scan the clusters of this resource group only")
	cmd.Flags().BoolVar(&wait.noWait, "no-wait", false, "do not wait for the agents to report")
	cmd.Flags().DurationVar(&wait.timeout, "timeout", 10*time.Minute, "how long to wait for the agents to report")
	return cmd
}

func (p *policyCommands) triggerScan(cmd *cobra.Command, group string, wait waitFlags) error {
	client, sub, err := p.clusterSession()
	if err != nil {
		return err
	}
	scope, err := groupScope(sub, group)
	if err != nil {
		return err
	}
	what := "subscription '" + sub + "'"
	summarize := "'arcctl policy state summarize'"
	if group != "" {
		what, summarize = "resource group '"+group+"'", "'arcctl policy state summarize -g "+group+"'"
	}
	var scan *armclient.PolicyEvaluation
	if err := (progress{w: p.streams.Err}).step("Starting a compliance scan of "+what, func() (string, error) {
		scan, err = client.TriggerPolicyEvaluation(cmd.Context(), scope)
		return "", err
	}); err != nil {
		return fmt.Errorf("starting a compliance scan of %s: %w", what, err)
	}
	out := cmd.OutOrStdout()
	if wait.noWait && !scan.Done() {
		fmt.Fprintf(out, "The compliance scan of %s started; %s shows the results as the agents report them.\n", what, summarize)
		return nil
	}
	if !scan.Done() {
		fmt.Fprintln(p.streams.Err, "Waiting for the agents of its clusters to report…")
	}
	if err := waitForScan(cmd.Context(), scan, wait.timeout); err != nil {
		return fmt.Errorf("the compliance scan of %s: %w", what, err)
	}
	fmt.Fprintf(out, "The compliance scan of %s is done; %s shows the results.\n", what, summarize)
	return nil
}

// waitForScan waits until the scan ends, at most timeout.
func waitForScan(ctx context.Context, scan *armclient.PolicyEvaluation, timeout time.Duration) error {
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := scan.Wait(waitCtx, scanPollInterval)
	switch {
	case err == nil || ctx.Err() != nil:
		return err
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("not done within %s: not every agent has reported yet; the hub keeps the scan going", timeout)
	}
	return err
}
