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
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
)

// writeFluxTable writes one row per Flux configuration.
func writeFluxTable(w io.Writer, cfgs []*armkc.FluxConfiguration) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tNAMESPACE\tSCOPE\tURL\tREFERENCE\tSTATE\tCOMPLIANCE\tCOMMIT")
	for _, c := range cfgs {
		p := fluxProps(c)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", orDash(val(c.Name)), orDash(val(p.Namespace)), orDash(string(val(p.Scope))),
			orDash(gitURL(p)), orDash(refText(p)), orDash(string(val(p.ProvisioningState))), orDash(string(val(p.ComplianceState))),
			orDash(val(p.SourceSyncedCommitID)))
	}
	return tw.Flush()
}

// writeFluxDetails writes a Flux configuration as "Key: value" lines, then its kustomizations
// and the Flux objects' statuses. Protected settings are never among them: the hub does not
// return them, and armclient drops them if it did.
func writeFluxDetails(w io.Writer, c *armkc.FluxConfiguration) error {
	p := fluxProps(c)
	g := p.GitRepository
	if g == nil {
		g = &armkc.GitRepositoryDefinition{}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, row := range [][2]string{
		{"Name", val(c.Name)},
		{"Cluster", clusterOfExtension(val(c.ID))},
		{"Resource group", resourceGroupOf(clusterOfExtensionID(val(c.ID)))},
		{"Scope", string(val(p.Scope))},
		{"Namespace", val(p.Namespace)},
		{"Source kind", string(val(p.SourceKind))},
		{"URL", val(g.URL)},
		{"Reference", refText(p)},
		{"Sync interval", seconds(g.SyncIntervalInSeconds)},
		{"Timeout", seconds(g.TimeoutInSeconds)},
		{"HTTPS user", val(g.HTTPSUser)},
		{"Local auth ref", val(g.LocalAuthRef)},
		{"Suspended", boolText(p.Suspend)},
		{"Provisioning state", string(val(p.ProvisioningState))},
		{"Compliance state", string(val(p.ComplianceState))},
		{"Synced commit", val(p.SourceSyncedCommitID)},
		{"Source updated", timestamp(p.SourceUpdatedAt)},
		{"Status updated", timestamp(p.StatusUpdatedAt)},
		{"Error", val(p.ErrorMessage)},
		{"Created", changed(systemData(c.SystemData), true)},
		{"Last modified", changed(systemData(c.SystemData), false)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", row[0], orDash(row[1]))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(p.Kustomizations) > 0 {
		fmt.Fprintln(w, "\nKustomizations:")
		if err := writeKustomizationTable(w, p.Kustomizations); err != nil {
			return err
		}
	}
	if len(p.Statuses) > 0 {
		fmt.Fprintln(w, "\nFlux objects:")
		return writeObjectStatuses(w, p.Statuses)
	}
	return nil
}

// writeKustomizationTable writes one row per kustomization, by name.
func writeKustomizationTable(w io.Writer, ks map[string]*armkc.KustomizationDefinition) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPATH\tDEPENDS ON\tSYNC INTERVAL\tTIMEOUT\tRETRY INTERVAL\tPRUNE\tFORCE\tWAIT")
	for _, name := range slices.Sorted(maps.Keys(ks)) {
		k := ks[name]
		if k == nil {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, orDash(val(k.Path)), orDash(strings.Join(derefAll(k.DependsOn), ",")),
			orDash(seconds(k.SyncIntervalInSeconds)), orDash(seconds(k.TimeoutInSeconds)), orDash(seconds(k.RetryIntervalInSeconds)),
			orDash(boolText(k.Prune)), orDash(boolText(k.Force)), orDash(boolText(k.Wait)))
	}
	return tw.Flush()
}

func writeObjectStatuses(w io.Writer, statuses []*armkc.ObjectStatusDefinition) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAMESPACE\tNAME\tCOMPLIANCE\tMESSAGE")
	for _, s := range statuses {
		if s == nil {
			continue
		}
		var msgs []string
		for _, c := range s.StatusConditions {
			if c != nil && val(c.Message) != "" {
				msgs = append(msgs, val(c.Message))
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", orDash(val(s.Kind)), orDash(val(s.Namespace)), orDash(val(s.Name)),
			orDash(string(val(s.ComplianceState))), orDash(strings.Join(msgs, "; ")))
	}
	return tw.Flush()
}

func gitURL(p *armkc.FluxConfigurationProperties) string {
	if p.GitRepository == nil {
		return ""
	}
	return val(p.GitRepository.URL)
}

// refText shows the repository reference as "branch main".
func refText(p *armkc.FluxConfigurationProperties) string {
	if p.GitRepository == nil || p.GitRepository.RepositoryRef == nil {
		return ""
	}
	r := p.GitRepository.RepositoryRef
	return joinNonEmpty(", ", prefixed("branch ", val(r.Branch)), prefixed("tag ", val(r.Tag)),
		prefixed("semver ", val(r.Semver)), prefixed("commit ", val(r.Commit)))
}

// seconds shows a number of seconds as a duration, e.g. 10m0s.
func seconds(s *int64) string {
	if s == nil {
		return ""
	}
	return (time.Duration(*s) * time.Second).String()
}

func derefAll(ps []*string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, val(p))
	}
	return out
}
