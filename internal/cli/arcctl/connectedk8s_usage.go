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
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

func (k *clusterCommands) usageCommand() *cobra.Command {
	var (
		ref   clusterRef
		since string
	)
	cmd := &cobra.Command{
		Use:   "usage -n NAME -g GROUP [--since 1h]",
		Short: "Show the CPU and memory the cluster's agent used over time",
		Long: "Show the CPU and memory the cluster's agent used, one row per heartbeat the hub kept.\n" +
			"-o json adds the last heartbeat's values as \"current\".",
		Example: "  arcctl connectedk8s usage -n store-042 -g edge-eu --since 24h",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, id, err := k.resolve(ref)
			if err != nil {
				return err
			}
			u, err := client.GetUsage(cmd.Context(), id, since)
			if err != nil {
				return fmt.Errorf("reading the agent usage of %s: %w", id.Name, err)
			}
			if len(u.Value) == 0 && k.output == outputTable {
				fmt.Fprintln(k.streams.Err, "No usage samples in that period: the agent has not sent a heartbeat the hub kept.")
				return nil
			}
			return k.output.print(cmd.OutOrStdout(), u, func(w io.Writer) error { return writeUsageTable(w, u.Value) })
		},
	}
	ref.addFlags(cmd)
	cmd.Flags().StringVar(&since, "since", "", "samples newer than this duration, e.g. 30m or 24h (default 1h)")
	return cmd
}

// writeUsageTable writes one row per usage sample.
func writeUsageTable(w io.Writer, samples []armclient.UsageSample) error {
	tw := newTable(w, "TIME\tCPU (millicores)\tMEMORY (MiB)")
	for _, s := range samples {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", timestamp(&s.Time), s.CPUMillicores, mebibytes(s.MemoryBytes))
	}
	return tw.Flush()
}

// usageRows are the rows of the agent's current usage in a cluster's details.
func usageRows(current *armclient.UsageSample) []detailRow {
	if current == nil {
		return []detailRow{{"Agent CPU", ""}, {"Agent memory", ""}}
	}
	return []detailRow{
		{"Agent CPU", fmt.Sprintf("%d millicores (at %s)", current.CPUMillicores, timestamp(&current.Time))},
		{"Agent memory", mebibytes(current.MemoryBytes) + " MiB"},
	}
}

func mebibytes(b int64) string {
	return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64)
}
