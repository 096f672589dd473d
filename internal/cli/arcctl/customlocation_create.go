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
	"io"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/extendedlocation/armextendedlocation"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// flagClusterExtensionIDs is az's --cluster-extension-ids, which takes several IDs.
const flagClusterExtensionIDs = "cluster-extension-ids"

// locationOptions are the flags of create and patch.
type locationOptions struct {
	ref          locationRef
	hostID       string
	namespace    string
	extensionIDs []string
	displayName  string
	location     string
	tags         string
	wait         waitFlags
}

// addFlags adds the flags create and patch share.
func (o *locationOptions) addFlags(cmd *cobra.Command) {
	o.ref.addFlags(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&o.extensionIDs, flagClusterExtensionIDs, nil, "IDs of the host cluster's extensions whose resource types the location serves (several after one flag)")
	f.StringVar(&o.displayName, "display-name", "", "display name of the custom location")
	f.StringVar(&o.tags, "tags", "", "tags as key=value pairs separated by commas")
	o.wait.addFlags(cmd, "create the namespace and its RoleBindings")
}

// parseLocationFlags lets --cluster-extension-ids take several IDs, as az's does.
func parseLocationFlags(cmd *cobra.Command, args []string) error {
	cmd.DisableFlagParsing = false
	return parseFlagsAsCobra(cmd, spreadValues(args, flagClusterExtensionIDs), redactor{})
}

func (l *locationCommands) createCommand() *cobra.Command {
	o := &locationOptions{}
	cmd := parsingItsFlags(&cobra.Command{
		Use:   "create -n NAME -g GROUP --host-resource-id CLUSTER_ID --namespace NS --cluster-extension-ids ID... [flags]",
		Short: "Create or replace a custom location on a connected cluster",
		Long: "Create or replace a custom location, as 'az customlocation create' does, then wait until the host\n" +
			"cluster's agent has created the namespace and the RoleBindings of the custom-location identity\n" +
			"(provisioningState Succeeded), unless --no-wait.",
		Example: "  arcctl customlocation create -n store-042-apps -g edge-eu --namespace apps \\\n" +
			"      --host-resource-id /subscriptions/SUB/resourceGroups/edge-eu/providers/Microsoft.Kubernetes/connectedClusters/store-042 \\\n" +
			"      --cluster-extension-ids /subscriptions/SUB/…/connectedClusters/store-042/providers/Microsoft.KubernetesConfiguration/extensions/widgets",
	}, parseLocationFlags, func(cmd *cobra.Command) error { return l.create(cmd, o) })
	o.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.hostID, "host-resource-id", "", "ID of the connected cluster that hosts the location")
	f.StringVar(&o.namespace, "namespace", "", "namespace of the cluster the location targets; the agent creates it")
	f.StringVarP(&o.location, "location", "l", "", "location of the resource (default: the configuration's, else \"local\")")
	for _, name := range []string{"host-resource-id", "namespace", flagClusterExtensionIDs} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// createBody builds the PUT body from the flags, before anything is sent.
func createBody(o *locationOptions, defaultLocation string) (armextendedlocation.CustomLocation, armid.ClusterID, error) {
	host, err := armid.ParseClusterID(o.hostID)
	if err != nil {
		return armextendedlocation.CustomLocation{}, host, fmt.Errorf("--host-resource-id: %w", err)
	}
	ids := trimmedAll(o.extensionIDs)
	if len(ids) == 0 {
		return armextendedlocation.CustomLocation{}, host, errors.New("--cluster-extension-ids needs at least one extension ID")
	}
	body := armextendedlocation.CustomLocation{
		Location: ptr(firstNonEmpty(o.location, defaultLocation, "local")),
		Properties: &armextendedlocation.CustomLocationProperties{
			HostResourceID: ptr(host.String()), HostType: ptr(armextendedlocation.HostTypeKubernetes),
			Namespace: ptr(o.namespace), ClusterExtensionIDs: ids,
		},
	}
	if o.displayName != "" {
		body.Properties.DisplayName = ptr(o.displayName)
	}
	if o.tags != "" {
		t, err := parseTags(o.tags)
		if err != nil {
			return body, host, err
		}
		body.Tags = stringPtrs(t)
	}
	return body, host, nil
}

func (l *locationCommands) create(cmd *cobra.Command, o *locationOptions) error {
	client, cfg, err := l.session()
	if err != nil {
		return err
	}
	sub, err := l.subscriptionOf(cfg)
	if err != nil {
		return err
	}
	ref := armclient.CustomLocationRef{Subscription: sub, ResourceGroup: o.ref.group, Name: o.ref.name}
	if err := validateLocationRef(ref); err != nil {
		return err
	}
	body, host, err := createBody(o, cfg.Location)
	if err != nil {
		return err
	}
	return l.writeAndWait(cmd, client, ref, host, o.wait, "Creating", func(ctx context.Context) (*armextendedlocation.CustomLocation, error) {
		return client.PutCustomLocation(ctx, ref, body)
	})
}

// writeAndWait sends a write of a location, then follows the host cluster's agent until the
// location is provisioned, and prints it.
func (l *locationCommands) writeAndWait(cmd *cobra.Command, client *armclient.Client, ref armclient.CustomLocationRef, host armid.ClusterID,
	wait waitFlags, verb string, send func(ctx context.Context) (*armextendedlocation.CustomLocation, error)) error {
	w := nestedWrite[armextendedlocation.CustomLocation]{kind: locationKind(client, ref), client: client, cluster: host, name: ref.Name,
		wait: wait, verb: verb, doing: "set up", progress: l.streams.Err}
	loc, err := w.run(cmd.Context(), send)
	if err != nil {
		return err
	}
	return l.output.print(cmd.OutOrStdout(), loc, func(out io.Writer) error { return writeLocationDetails(out, loc) })
}

func (l *locationCommands) patchCommand() *cobra.Command {
	o := &locationOptions{}
	cmd := parsingItsFlags(&cobra.Command{
		Use:   "patch -n NAME -g GROUP [--cluster-extension-ids ID...] [--display-name D] [--tags k=v,...] [flags]",
		Short: "Change the extensions, display name or tags of a custom location",
		Long: "Change a custom location, as 'az customlocation patch' does: only the flags given are sent.\n" +
			"--cluster-extension-ids replaces the list of extensions; the agent then updates the RoleBindings.",
	}, parseLocationFlags, func(cmd *cobra.Command) error { return l.patch(cmd, o) })
	o.addFlags(cmd)
	return cmd
}

// patchBody builds the PATCH body from the flags the user set.
func patchBody(cmd *cobra.Command, o *locationOptions) (armextendedlocation.PatchableCustomLocations, error) {
	changed := cmd.Flags().Changed
	var patch armextendedlocation.PatchableCustomLocations
	props := armextendedlocation.CustomLocationProperties{}
	if changed(flagClusterExtensionIDs) {
		props.ClusterExtensionIDs = trimmedAll(o.extensionIDs)
	}
	if changed("display-name") {
		props.DisplayName = ptr(o.displayName)
	}
	if props.ClusterExtensionIDs != nil || props.DisplayName != nil {
		patch.Properties = &props
	}
	if changed("tags") {
		t, err := parseTags(o.tags)
		if err != nil {
			return patch, err
		}
		patch.Tags = stringPtrs(t)
	}
	if patch.Properties == nil && patch.Tags == nil {
		return patch, errors.New("nothing to change: pass at least one of --" + flagClusterExtensionIDs + ", --display-name or --tags")
	}
	return patch, nil
}

func (l *locationCommands) patch(cmd *cobra.Command, o *locationOptions) error {
	body, err := patchBody(cmd, o)
	if err != nil {
		return err
	}
	client, ref, err := l.resolve(o.ref)
	if err != nil {
		return err
	}
	current, err := client.GetCustomLocation(cmd.Context(), ref)
	if err != nil {
		return fmt.Errorf("reading custom location '%s': %w", ref.Name, err)
	}
	host, err := hostCluster(current)
	if err != nil {
		return err
	}
	return l.writeAndWait(cmd, client, ref, host, o.wait, "Updating", func(ctx context.Context) (*armextendedlocation.CustomLocation, error) {
		return client.PatchCustomLocation(ctx, ref, body)
	})
}
