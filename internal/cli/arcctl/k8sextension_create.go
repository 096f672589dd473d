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
	"strings"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// extensionSettingsFlags are the settings flags of create and update.
type extensionSettingsFlags struct {
	settings      pairsFlag
	protected     pairsFlag
	settingsFile  string
	protectedFile string
}

func (s *extensionSettingsFlags) addFlags(cmd *cobra.Command) {
	s.settings.name, s.protected.name = flagSettings, flagProtectedSettings
	f := cmd.Flags()
	f.Var(&s.settings, flagSettings, "configuration settings as KEY=VALUE pairs, several per flag or the flag repeated; dotted keys set nested Helm values")
	f.Var(&s.protected, flagProtectedSettings, "protected configuration settings as KEY=VALUE pairs: sent to the cluster encrypted, never shown again")
	f.StringVar(&s.settingsFile, flagSettingsFile, "", "JSON file of configuration settings, {\"key\": \"value\", …}; --"+flagSettings+" wins over it")
	f.StringVar(&s.protectedFile, flagProtectedSettingsFile, "", "JSON file of protected configuration settings; --"+flagProtectedSettings+" wins over it")
}

// read returns the settings and protected settings, nil when none are given.
func (s *extensionSettingsFlags) read() (settings, protected map[string]*string, err error) {
	if settings, err = settingsOf(s.settingsFile, &s.settings); err != nil {
		return nil, nil, fmt.Errorf("--%s: %w", flagSettingsFile, err)
	}
	if protected, err = settingsOf(s.protectedFile, &s.protected); err != nil {
		return nil, nil, fmt.Errorf("--%s: %w", flagProtectedSettingsFile, err)
	}
	return settings, protected, nil
}

// versionFlags are --release-train, --version and --auto-upgrade-minor-version.
type versionFlags struct {
	releaseTrain string
	version      string
	autoUpgrade  bool
}

func (v *versionFlags) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&v.releaseTrain, "release-train", "", "release train to take versions from, e.g. Stable or Preview (default: the hub's, Stable)")
	f.StringVar(&v.version, "version", "", "version to pin the extension to; implies --auto-upgrade-minor-version=false")
	f.BoolVar(&v.autoUpgrade, flagAutoUpgrade, true, "let the hub move the extension to new minor versions of its release train "+
		"(true or false; --auto-upgrade for short)")
	f.SetNormalizeFunc(azAliases)
}

// autoUpgrade is the autoUpgradeMinorVersion to send: nil when neither flag says, false with
// --version, as az does, which refuses --version with auto-upgrade true.
func (v *versionFlags) autoUpgradeValue(changed func(string) bool) (*bool, error) {
	switch {
	case v.version != "" && changed(flagAutoUpgrade) && v.autoUpgrade:
		return nil, errors.New("to pin the extension with --version, --auto-upgrade-minor-version must be false")
	case v.version != "":
		return ptr(false), nil
	case changed(flagAutoUpgrade):
		return ptr(v.autoUpgrade), nil
	}
	return nil, nil
}

type extensionCreateOptions struct {
	ref              extensionRef
	extensionType    string
	versions         versionFlags
	settings         extensionSettingsFlags
	scope            string
	releaseNamespace string
	targetNamespace  string
	wait             waitFlags
}

func (k *extensionCommands) createCommand() *cobra.Command {
	o := &extensionCreateOptions{}
	return newExtensionCreateCommand(o, func(cmd *cobra.Command) error { return k.create(cmd, *o) })
}

// newExtensionCreateCommand is the create command filling o; run runs once the flags are parsed.
func newExtensionCreateCommand(o *extensionCreateOptions, run func(*cobra.Command) error) *cobra.Command {
	cmd := parsingItsFlags(&cobra.Command{
		Use:   "create -c CLUSTER -g GROUP -n NAME --extension-type TYPE [flags]",
		Short: "Create an extension on a connected cluster and wait until the agent installed it",
		Long: "Create an extension on a connected cluster, as 'az k8s-extension create' does, then wait until\n" +
			"the cluster's agent reports it installed (Succeeded) or failed, unless --no-wait is given.\n" +
			"Progress goes to stderr, the extension to stdout. Protected settings are write-only: the\n" +
			"hub encrypts them for the cluster and never returns them; arcctl never prints them.",
		Example: "  arcctl k8s-extension create -c store-042 -g edge-eu -n flux --extension-type microsoft.flux\n" +
			"  arcctl k8s-extension create -c store-042 -g edge-eu -n gk --extension-type gatekeeper \\\n" +
			"      --scope cluster --release-namespace gatekeeper-system --version 3.17.1 \\\n" +
			"      --configuration-settings replicas=2 audit.interval=60 \\\n" +
			"      --configuration-protected-settings webhook.token=s3cret",
	}, parsePairFlags, run)
	o.ref.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.extensionType, "extension-type", "", "type of the extension, as 'arcctl k8s-extension extension-types list' shows")
	f.StringVar(&o.scope, "scope", "", "scope of the release: cluster or namespace (default: the extension type's)")
	f.StringVar(&o.releaseNamespace, "release-namespace", "", "namespace of the release with --scope cluster (default: the extension type's)")
	f.StringVar(&o.targetNamespace, "target-namespace", "", "namespace to install into with --scope namespace (default: the extension's name)")
	_ = cmd.MarkFlagRequired("extension-type")
	o.versions.addFlags(cmd)
	o.settings.addFlags(cmd)
	o.wait.addFlags(cmd, "install the extension")
	return cmd
}

func (k *extensionCommands) create(cmd *cobra.Command, o extensionCreateOptions) error {
	body, protected, err := extensionCreateBody(o, cmd.Flags().Changed)
	if err != nil {
		return err
	}
	write := nestedWrite[armkc.Extension]{kind: extensionKind(), verb: "Creating", doing: "install", wait: o.wait, hide: newRedactor(protected)}
	return writeAndShow(k, cmd, write, o.ref, func(ctx context.Context, client *armclient.Client, cluster armid.ClusterID) (*armkc.Extension, error) {
		ext, _, err := client.PutExtension(ctx, cluster, o.ref.name, body)
		return ext, err
	})
}

// extensionCreateBody builds the PUT body from the flags, checking what az checks before
// sending: the hub checks the rest (type, train and version against its catalog). It also
// returns the protected settings, to keep them out of what is printed.
func extensionCreateBody(o extensionCreateOptions, changed func(string) bool) (armkc.Extension, map[string]*string, error) {
	props := &armkc.ExtensionProperties{ExtensionType: &o.extensionType}
	if strings.TrimSpace(o.extensionType) == "" {
		return armkc.Extension{}, nil, errors.New("--extension-type must not be empty; 'arcctl k8s-extension extension-types list' shows the types")
	}
	if o.versions.releaseTrain != "" {
		props.ReleaseTrain = &o.versions.releaseTrain
	}
	if o.versions.version != "" {
		props.Version = &o.versions.version
	}
	var err error
	if props.AutoUpgradeMinorVersion, err = o.versions.autoUpgradeValue(changed); err != nil {
		return armkc.Extension{}, nil, err
	}
	if props.Scope, err = extensionScope(o.scope, o.releaseNamespace, o.targetNamespace); err != nil {
		return armkc.Extension{}, nil, err
	}
	if props.ConfigurationSettings, props.ConfigurationProtectedSettings, err = o.settings.read(); err != nil {
		return armkc.Extension{}, nil, err
	}
	if err := errors.Join(withoutRemovals(flagSettingsFile, props.ConfigurationSettings),
		withoutRemovals(flagProtectedSettingsFile, props.ConfigurationProtectedSettings)); err != nil {
		return armkc.Extension{}, nil, err
	}
	return armkc.Extension{Properties: props}, props.ConfigurationProtectedSettings, nil
}

// extensionScope builds the scope from --scope and the namespace flags, refusing the
// namespace flag of the other scope as az does.
func extensionScope(scope, releaseNamespace, targetNamespace string) (*armkc.Scope, error) {
	switch strings.ToLower(scope) {
	case "":
		if releaseNamespace != "" {
			return nil, errors.New("--release-namespace needs --scope cluster")
		}
		if targetNamespace != "" {
			return nil, errors.New("--target-namespace needs --scope namespace")
		}
		return nil, nil
	case "cluster":
		if targetNamespace != "" {
			return nil, errors.New("when --scope is 'cluster', --target-namespace must not be given; use --release-namespace")
		}
		return &armkc.Scope{Cluster: &armkc.ScopeCluster{ReleaseNamespace: nonEmpty(releaseNamespace)}}, nil
	case "namespace":
		if releaseNamespace != "" {
			return nil, errors.New("when --scope is 'namespace', --release-namespace must not be given; use --target-namespace")
		}
		return &armkc.Scope{Namespace: &armkc.ScopeNamespace{TargetNamespace: nonEmpty(targetNamespace)}}, nil
	}
	return nil, fmt.Errorf("--scope %q is not one of cluster or namespace", scope)
}

// nonEmpty is a pointer to s, or nil when s is empty, for optional fields.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func ptr[T any](v T) *T { return &v }
