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
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func (k *clusterCommands) logsCommand() *cobra.Command {
	var (
		ref clusterRef
		q   armclient.LogQuery
	)
	cmd := &cobra.Command{
		Use:   "logs -n NAME -g GROUP [--since 1h] [--level error] [--grep TEXT] [--follow]",
		Short: "Print the log the cluster's agent shipped to the hub",
		Long: "Print the log the cluster's agent shipped to the hub, oldest first, one line per entry:\n" +
			"time, level, logger, message and fields as key=value. With -o json each entry is a JSON\n" +
			"object on its own line. --follow waits for new lines until interrupted (Ctrl-C) or the\n" +
			"cluster is deleted.",
		Example: "  arcctl connectedk8s logs -n store-042 -g edge-eu --since 1h --level warn\n" +
			"  arcctl connectedk8s logs -n store-042 -g edge-eu --follow --grep extensions",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, id, err := k.resolve(ref)
			if err != nil {
				return err
			}
			write := k.logWriter(cmd.OutOrStdout())
			if err := client.StreamLogs(cmd.Context(), id, q, write); err != nil {
				return fmt.Errorf("reading the log of %s: %w", id.Name, err)
			}
			return nil
		},
	}
	ref.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&q.Since, "since", "", "only lines newer than this duration, e.g. 30m or 24h (default: all the hub keeps)")
	f.StringVar(&q.Level, "level", "", "only lines of this level or more severe: debug, info, warn or error")
	f.StringVar(&q.Grep, "grep", "", "only lines whose message, logger or fields contain this text")
	f.BoolVarP(&q.Follow, "follow", "f", false, "keep printing new lines as the agent ships them")
	return cmd
}

// logWriter returns the function that prints one line in the chosen output format.
func (k *clusterCommands) logWriter(w io.Writer) func(protocol.LogLine) error {
	if k.output == outputJSON {
		enc := json.NewEncoder(w)
		return func(l protocol.LogLine) error { return enc.Encode(l) }
	}
	return func(l protocol.LogLine) error {
		_, err := fmt.Fprintln(w, formatLogLine(l))
		return err
	}
}
