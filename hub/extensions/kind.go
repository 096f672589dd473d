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

package extensions

import (
	"log/slog"
	"strings"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Service keeps the hub's extensions; nested.Register builds it from a Kind.
type Service = nested.Service[Record, *Record, *Doc]

// Kind is extensions as a nested kind: it resolves versions from Catalog.
type Kind struct {
	Catalog *catalog.Catalog
	// Log receives what start-up auto-upgrades did.
	Log *slog.Logger
	// Workspaces reads the monitoring workspaces that extensions name; nil holds none.
	Workspaces WorkspaceResolver
}

func names() nested.Names {
	return nested.Names{ResourceType: ResourceType, APIVersions: []string{APIVersion}, ObjectKind: protocol.KindExtension,
		Noun: "extension", Title: "Extension", LogKey: "extension", ClusterKind: "Extension",
		FailureCode: "ExtensionOperationFailed", FailureMessage: "The agent could not install the extension."}
}

// Names names extensions.
func (k *Kind) Names() nested.Names { return names() }

// ValidateName checks an extension's name.
func (k *Kind) ValidateName(name string) error { return ValidateName(name) }

// Put validates a PUT body; its change keeps the extension type of a stored extension and
// resolves the version from the catalog.
func (k *Kind) Put(decode nested.Decoder) (nested.Change[*Record], error) {
	var in input
	if err := decode(&in); err != nil {
		return nil, err
	}
	settings, err := settingsFromInput(&in, k.Catalog)
	if err != nil {
		return nil, err
	}
	protected, err := stringMap("configurationProtectedSettings", in.Properties.ConfigurationProtectedSettings)
	if err != nil {
		return nil, err
	}
	return func(old *Record, _ map[string]string) (*Record, map[string]string, error) {
		rec, previous := &Record{Settings: settings}, ""
		if old != nil {
			if !strings.EqualFold(old.ExtensionType, settings.ExtensionType) {
				return nil, nil, nested.Invalid("The property 'properties.extensionType' cannot change from '%s' to '%s'; delete the extension and create it again.", old.ExtensionType, settings.ExtensionType)
			}
			previous = old.Version
		}
		return rec, protected, k.resolve(rec, previous)
	}, nil
}

// Patch validates a PATCH body; its change merges the settings maps.
func (k *Kind) Patch(decode nested.Decoder) (nested.Change[*Record], error) {
	var p patch
	if err := decode(&p); err != nil {
		return nil, err
	}
	return func(old *Record, protected map[string]string) (*Record, map[string]string, error) {
		rec := *old
		protected, err := applyPatch(&rec, protected, &p)
		if err != nil {
			return nil, nil, err
		}
		return &rec, protected, k.resolve(&rec, old.Version)
	}, nil
}

// applyPatch applies p to rec and returns the protected settings after it.
func applyPatch(rec *Record, protected map[string]string, p *patch) (map[string]string, error) {
	pp := p.Properties
	if pp == nil {
		return protected, nil
	}
	if pp.AutoUpgradeMinorVersion != nil {
		rec.AutoUpgradeMinorVersion = *pp.AutoUpgradeMinorVersion
		if rec.AutoUpgradeMinorVersion && pp.Version == nil {
			rec.PinnedVersion = ""
		}
	}
	if pp.ReleaseTrain != nil && *pp.ReleaseTrain != "" {
		rec.ReleaseTrain = *pp.ReleaseTrain
	}
	if pp.Version != nil {
		rec.PinnedVersion = *pp.Version
	}
	if err := checkVersionRule(rec.Settings); err != nil {
		return nil, err
	}
	var err error
	if rec.ConfigurationSettings, err = mergeMap("configurationSettings", rec.ConfigurationSettings, pp.ConfigurationSettings, true); err != nil {
		return nil, err
	}
	if pp.ConfigurationProtectedSettings == nil {
		return protected, nil
	}
	return mergeMap("configurationProtectedSettings", protected, pp.ConfigurationProtectedSettings, true)
}

// resolve sets rec's version and chart from the catalog; previous is its version so far.
func (k *Kind) resolve(rec *Record, previous string) error {
	return LookupError(Resolve(k.Catalog, rec, previous))
}

// Resolve sets rec's version and chart to the catalog's release for its type, release train
// and pinned version; previous is its version so far ("" for a new extension).
func Resolve(cat *catalog.Catalog, rec *Record, previous string) error {
	typ, err := cat.Type(rec.ExtensionType)
	if err != nil {
		return err
	}
	r, err := typ.Resolve(rec.ReleaseTrain, rec.PinnedVersion, rec.AutoUpgradeMinorVersion, previous)
	if err != nil {
		return err
	}
	rec.Version, rec.Chart = r.Version, r.Chart
	return nil
}

// Desired is the extension's spec for the agent.
func (k *Kind) Desired(rec *Record, protected string) (any, error) { return rec.Spec(protected), nil }

// Render returns the extension's document with the state the agent reported.
func (k *Kind) Render(rec *Record, desiredRV string, st *protocol.ObjectStatus) *Doc {
	return Render(rec, rec.View(desiredRV, st))
}

// ClusterOwned renders an extension applied in the cluster.
func (k *Kind) ClusterOwned(clusterID string, st protocol.ObjectStatus) (*Doc, bool) {
	rec, v, ok := ClusterOwned(clusterID, st)
	if !ok {
		return nil, false
	}
	return Render(rec, v), true
}

// State returns the document's provisioningState and the agent's error.
func (k *Kind) State(doc *Doc) (string, string) {
	if e := doc.Properties.ErrorInfo; e != nil {
		return doc.Properties.ProvisioningState, e.Message
	}
	return doc.Properties.ProvisioningState, ""
}

// Page is the listing of docs.
func (k *Kind) Page(docs []*Doc) any { return &List{Value: docs} }
