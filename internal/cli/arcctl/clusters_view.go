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
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// writeClusterTable writes one row per cluster.
func writeClusterTable(w io.Writer, clusters []armclient.Cluster) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tRESOURCE GROUP\tLOCATION\tCONNECTIVITY\tKUBERNETES\tNODES\tAGENT")
	for i := range clusters {
		c := &clusters[i]
		p := c.Properties
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, orDash(resourceGroupOf(c.ID)), orDash(c.Location),
			orDash(p.ConnectivityStatus), orDash(p.KubernetesVersion), count(p.TotalNodeCount), orDash(p.AgentVersion))
	}
	return tw.Flush()
}

// writeClusterDetails writes a cluster as "Key: value" lines.
func writeClusterDetails(w io.Writer, c *armclient.Cluster) error {
	return writeDetails(w, clusterRows(c))
}

// clusterRows are the details of a cluster.
func clusterRows(c *armclient.Cluster) []detailRow {
	p := c.Properties
	return []detailRow{
		{"Name", c.Name},
		{"Resource group", resourceGroupOf(c.ID)},
		{"Location", c.Location},
		{"ID", c.ID},
		{"Provisioning state", p.ProvisioningState},
		{"Connectivity", p.ConnectivityStatus},
		{"Last connectivity", timestamp(p.LastConnectivityTime)},
		{"Kubernetes version", p.KubernetesVersion},
		{"Nodes", count(p.TotalNodeCount)},
		{"Cores", count(p.TotalCoreCount)},
		{"Agent version", p.AgentVersion},
		{"Agent auto-upgrade", agentProfile(p.ArcAgentProfile).AgentAutoUpgrade},
		{"Desired agent version", agentProfile(p.ArcAgentProfile).DesiredAgentVersion},
		{"Shipped log level", agentProfile(p.ArcAgentProfile).LogLevel},
		{"Distribution", joinNonEmpty(" ", p.Distribution, p.DistributionVersion)},
		{"Infrastructure", p.Infrastructure},
		{"Identity", identity(c.Identity)},
		{"Tags", tags(c.Tags)},
		{"Created", changed(c.SystemData, true)},
		{"Last modified", changed(c.SystemData, false)},
	}
}

func resourceGroupOf(id string) string {
	parsed, err := armid.ParseClusterID(id)
	if err != nil {
		return ""
	}
	return parsed.ResourceGroup
}

func count(n *int32) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(int(*n))
}

func timestamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func agentProfile(p *armclient.ArcAgentProfile) armclient.ArcAgentProfile {
	if p == nil {
		return armclient.ArcAgentProfile{}
	}
	return *p
}

func identity(id *armclient.Identity) string {
	if id == nil {
		return ""
	}
	if id.PrincipalID == "" {
		return id.Type
	}
	return id.Type + " (principal " + id.PrincipalID + ")"
}

// tags shows tags sorted by key, as k=v separated by commas.
func tags(t map[string]string) string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, k+"="+t[k])
	}
	return strings.Join(pairs, ", ")
}

// changed shows who created (or last modified) the resource and when.
func changed(sd *armclient.SystemData, created bool) string {
	if sd == nil {
		return ""
	}
	by, at := sd.LastModifiedBy, sd.LastModifiedAt
	if created {
		by, at = sd.CreatedBy, sd.CreatedAt
	}
	return joinNonEmpty(" by ", timestamp(at), by)
}

func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), sep)
}
