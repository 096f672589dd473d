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
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

// resourceCreateOptions are the flags of create.
type resourceCreateOptions struct {
	ref            resourceRef
	properties     string
	customLocation string
	location       string
	tags           string
	wait           waitFlags
}

func (r *resourceCommands) createCommand() *cobra.Command {
	var o resourceCreateOptions
	cmd := &cobra.Command{
		Use:   "create (--id ID | --resource-type TYPE -n NAME -g GROUP) --properties JSON|@FILE [--custom-location LOCATION] [flags]",
		Short: "Create or replace a resource",
		Long: "Create or replace a resource, as 'az resource create' does, then wait until its provisioningState\n" +
			"is Succeeded or Failed, unless --no-wait. --properties is a JSON object, @FILE or the path of a\n" +
			"JSON file. --custom-location places the resource on a custom location (an ID, or a name in the\n" +
			"resource's group): the hub applies it as a custom resource in the location's namespace.",
		Example: "  arcctl resource create -g edge-eu -n w1 --resource-type Microsoft.KubearcSamples/widgets \\\n" +
			"      --custom-location store-042-apps --properties '{\"size\": 3}'\n" +
			"  arcctl resource create --id /subscriptions/SUB/resourceGroups/edge-eu/providers/Microsoft.KubearcSamples/widgets/w1 \\\n" +
			"      --custom-location /subscriptions/SUB/resourceGroups/edge-eu/providers/Microsoft.ExtendedLocation/customLocations/store-042-apps \\\n" +
			"      --properties @widget.json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.create(cmd, o) },
	}
	o.ref.addFlags(cmd)
	f := cmd.Flags()
	f.StringVarP(&o.properties, "properties", "p", "", "properties of the resource: a JSON object, @FILE or the path of a JSON file")
	f.StringVar(&o.customLocation, "custom-location", "", "custom location of the resource: its ID, or its name in the resource's group")
	f.StringVarP(&o.location, "location", "l", "", "location of the resource (default: the custom location's)")
	f.StringVar(&o.tags, "tags", "", "tags as key=value pairs separated by commas")
	o.wait.addFlags(cmd, "provision the resource")
	_ = cmd.MarkFlagRequired("properties")
	return cmd
}

// resourceBody builds the PUT body from the flags, before anything is sent.
func resourceBody(o resourceCreateOptions) (armclient.Resource, error) {
	props, err := jsonObjectFlag("properties", o.properties)
	if err != nil {
		return armclient.Resource{}, err
	}
	raw, err := json.Marshal(props)
	if err != nil {
		return armclient.Resource{}, fmt.Errorf("--properties: %w", err)
	}
	body := armclient.Resource{Location: o.location, Properties: raw}
	if o.tags != "" {
		if body.Tags, err = parseTags(o.tags); err != nil {
			return body, err
		}
	}
	return body, nil
}

// customLocationID is --custom-location as an ID: as given, or the name in the resource's group.
func customLocationID(value string, id *arm.ResourceID) (string, error) {
	if strings.HasPrefix(value, "/") {
		loc, err := arm.ParseResourceID(value)
		if err != nil || !strings.EqualFold(loc.ResourceType.String(), "Microsoft.ExtendedLocation/customLocations") {
			return "", fmt.Errorf("--custom-location %q must be the name or ID of a custom location "+
				"(/subscriptions/SUB/resourceGroups/GROUP/providers/Microsoft.ExtendedLocation/customLocations/NAME)", value)
		}
		return value, nil
	}
	ref := armclient.CustomLocationRef{Subscription: id.SubscriptionID, ResourceGroup: id.ResourceGroupName, Name: value}
	if err := validateLocationRef(ref); err != nil {
		return "", fmt.Errorf("--custom-location: %w", err)
	}
	return ref.String(), nil
}

func (r *resourceCommands) create(cmd *cobra.Command, o resourceCreateOptions) error {
	body, err := resourceBody(o)
	if err != nil {
		return err
	}
	client, id, err := r.resolve(o.ref)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	w := nestedWrite[armclient.Resource]{kind: r.resourceKind(id), client: client, name: id.Name,
		wait: o.wait, verb: "Creating", doing: "provision", progress: r.streams.Err}
	if o.customLocation != "" {
		locationID, err := customLocationID(o.customLocation, id)
		if err != nil {
			return err
		}
		loc, err := customLocationOf(ctx, client, locationID)
		if err != nil {
			return err
		}
		body.ExtendedLocation = &armclient.ExtendedLocation{Type: armclient.ExtendedLocationCustomLocation, Name: locationID}
		body.Location = firstNonEmpty(body.Location, val(loc.Location))
		w.cluster, _ = hostCluster(loc)
	}
	res, err := w.run(ctx, func(ctx context.Context) (*armclient.Resource, error) {
		res, _, err := client.PutResource(ctx, id.String(), r.apiVersion, body)
		return res, err
	})
	if err != nil {
		return err
	}
	return r.output.print(cmd.OutOrStdout(), res, func(out io.Writer) error { return writeResourceDetails(out, res) })
}
