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

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

type extensionUpdateOptions struct {
	ref      extensionRef
	versions versionFlags
	settings extensionSettingsFlags
	wait     waitFlags
}

func (k *extensionCommands) updateCommand() *cobra.Command {
	o := &extensionUpdateOptions{}
	return newExtensionUpdateCommand(o, func(cmd *cobra.Command) error { return k.update(cmd, *o) })
}

// newExtensionUpdateCommand is the update command filling o; run runs once the flags are parsed.
func newExtensionUpdateCommand(o *extensionUpdateOptions, run func(*cobra.Command) error) *cobra.Command {
	cmd := parsingItsFlags(&cobra.Command{
		Use:   "update -c CLUSTER -g GROUP -n NAME [flags]",
		Short: "Update an extension's version, release train or settings and wait until the agent applied it",
		Long: "Update an extension, as 'az k8s-extension update' does: only the properties given change (a\n" +
			"PATCH). Then wait until the cluster's agent reports the change applied (Succeeded) or failed,\n" +
			"unless --no-wait is given. Settings given are merged into the extension's settings.",
		Example: "  arcctl k8s-extension update -c store-042 -g edge-eu -n gk --version 3.18.0\n" +
			"  arcctl k8s-extension update -c store-042 -g edge-eu -n gk --auto-upgrade-minor-version=true --release-train Preview\n" +
			"  arcctl k8s-extension update -c store-042 -g edge-eu -n gk --configuration-settings replicas=3",
	}, parsePairFlags, run)
	o.ref.addFlags(cmd)
	o.versions.addFlags(cmd)
	o.settings.addFlags(cmd)
	o.wait.addFlags(cmd, "apply the change")
	return cmd
}

func (k *extensionCommands) update(cmd *cobra.Command, o extensionUpdateOptions) error {
	patch, err := extensionPatchBody(o, cmd.Flags().Changed)
	if err != nil {
		return err
	}
	write := nestedWrite[armkc.Extension]{kind: extensionKind(), verb: "Updating", doing: "apply the change to", wait: o.wait,
		hide: newRedactor(patch.Properties.ConfigurationProtectedSettings)}
	return writeAndShow(k, cmd, write, o.ref, func(ctx context.Context, client *armclient.Client, cluster armid.ClusterID) (*armkc.Extension, error) {
		return client.PatchExtension(ctx, cluster, o.ref.name, patch)
	})
}

// extensionPatchBody builds the PATCH body from the flags the user set.
func extensionPatchBody(o extensionUpdateOptions, changed func(string) bool) (armkc.PatchExtension, error) {
	props := &armkc.PatchExtensionProperties{}
	patch := armkc.PatchExtension{Properties: props}
	if changed("release-train") {
		props.ReleaseTrain = &o.versions.releaseTrain
	}
	if changed("version") {
		props.Version = &o.versions.version
	}
	var err error
	if props.AutoUpgradeMinorVersion, err = o.versions.autoUpgradeValue(changed); err != nil {
		return patch, err
	}
	if props.ConfigurationSettings, props.ConfigurationProtectedSettings, err = o.settings.read(); err != nil {
		return patch, err
	}
	if props.ReleaseTrain == nil && props.Version == nil && props.AutoUpgradeMinorVersion == nil &&
		props.ConfigurationSettings == nil && props.ConfigurationProtectedSettings == nil {
		return patch, errors.New("nothing to update: pass at least one of --version, --auto-upgrade-minor-version, --release-train, " +
			"--configuration-settings, --configuration-protected-settings or their -file forms")
	}
	return patch, nil
}
