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
	"strings"
	"text/tabwriter"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

// writeExtensionTable writes one row per extension.
func writeExtensionTable(w io.Writer, exts []*armkc.Extension) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tVERSION\tRELEASE TRAIN\tAUTO-UPGRADE\tSCOPE\tNAMESPACE\tSTATE")
	for _, e := range exts {
		p := extensionProps(e)
		scope, namespace := scopeOf(p.Scope)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", orDash(val(e.Name)), orDash(val(p.ExtensionType)),
			orDash(val(p.CurrentVersion)), orDash(val(p.ReleaseTrain)), orDash(boolText(p.AutoUpgradeMinorVersion)),
			orDash(scope), orDash(namespace), orDash(string(val(p.ProvisioningState))))
	}
	return tw.Flush()
}

// writeExtensionDetails writes an extension as "Key: value" lines. Protected settings are
// never among them: the hub does not return them, and armclient drops them if it did.
func writeExtensionDetails(w io.Writer, e *armkc.Extension) error {
	p := extensionProps(e)
	scope, namespace := scopeOf(p.Scope)
	namespaceLabel := "Namespace"
	switch scope {
	case "cluster":
		namespaceLabel = "Release namespace"
	case "namespace":
		namespaceLabel = "Target namespace"
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, row := range [][2]string{
		{"Name", val(e.Name)},
		{"Cluster", clusterOfExtension(val(e.ID))},
		{"Resource group", resourceGroupOf(clusterOfExtensionID(val(e.ID)))},
		{"ID", val(e.ID)},
		{"Extension type", val(p.ExtensionType)},
		{"Provisioning state", string(val(p.ProvisioningState))},
		{"Current version", val(p.CurrentVersion)},
		{"Pinned version", val(p.Version)},
		{"Release train", val(p.ReleaseTrain)},
		{"Auto-upgrade minor version", boolText(p.AutoUpgradeMinorVersion)},
		{"Scope", scope},
		{namespaceLabel, namespace},
		{"System extension", boolText(p.IsSystemExtension)},
		{"Configuration settings", settingsText(p.ConfigurationSettings)},
		{"Error", errorInfoText(p.ErrorInfo)},
		{"Created", changed(systemData(e.SystemData), true)},
		{"Last modified", changed(systemData(e.SystemData), false)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", row[0], orDash(row[1]))
	}
	for _, s := range p.Statuses {
		fmt.Fprintf(tw, "Status:\t%s\n", statusText(s))
	}
	return tw.Flush()
}

// extensionProps never returns nil, so views need no checks.
func extensionProps(e *armkc.Extension) *armkc.ExtensionProperties {
	if e == nil || e.Properties == nil {
		return &armkc.ExtensionProperties{}
	}
	return e.Properties
}

// scopeOf says which scope an extension has and its namespace.
func scopeOf(s *armkc.Scope) (scope, namespace string) {
	switch {
	case s == nil:
		return "", ""
	case s.Cluster != nil:
		return "cluster", val(s.Cluster.ReleaseNamespace)
	case s.Namespace != nil:
		return "namespace", val(s.Namespace.TargetNamespace)
	}
	return "", ""
}

// clusterOfExtensionID is the connected cluster's ID in an extension's ID.
func clusterOfExtensionID(id string) string {
	i := strings.Index(strings.ToLower(id), "/providers/microsoft.kubernetesconfiguration/")
	if i < 0 {
		return ""
	}
	return id[:i]
}

// clusterOfExtension is the connected cluster's name in an extension's ID.
func clusterOfExtension(id string) string {
	cluster := clusterOfExtensionID(id)
	return cluster[strings.LastIndex(cluster, "/")+1:]
}

func settingsText(settings map[string]*string) string {
	plain := make(map[string]string, len(settings))
	for k, v := range settings {
		plain[k] = val(v)
	}
	return tags(plain)
}

// errorInfoText shows an ARM error detail as the Azure CLI does: "(Code) Message".
func errorInfoText(e *armkc.ErrorDetail) string {
	if e == nil || (e.Code == nil && e.Message == nil) {
		return ""
	}
	return strings.TrimSpace(fmt.Sprintf("(%s) %s", orDash(val(e.Code)), val(e.Message)))
}

// statusText shows a status as "Code (DisplayStatus): Message", with its level when it is not
// Information and its time.
func statusText(s *armkc.ExtensionStatus) string {
	if s == nil {
		return ""
	}
	head := val(s.Code)
	if d := val(s.DisplayStatus); d != "" && d != head {
		head = joinNonEmpty(" ", head, "("+d+")")
	}
	if l := val(s.Level); l != "" && l != armkc.LevelTypeInformation {
		head = joinNonEmpty(" ", string(l), head)
	}
	return joinNonEmpty(" at ", joinNonEmpty(": ", head, val(s.Message)), val(s.Time))
}

func systemData(sd *armkc.SystemData) *armclient.SystemData {
	if sd == nil {
		return nil
	}
	return &armclient.SystemData{CreatedBy: val(sd.CreatedBy), CreatedAt: sd.CreatedAt,
		LastModifiedBy: val(sd.LastModifiedBy), LastModifiedAt: sd.LastModifiedAt}
}

func boolText(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// val is what p points at, or the zero value.
func val[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
