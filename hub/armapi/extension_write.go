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

package armapi

import (
	"net/http"
	"strings"

	"github.com/kubearc/kubearc/hub/extensions"
)

// put creates or replaces an extension: 201 or 200 with provisioningState Creating or
// Updating and an Azure-AsyncOperation header.
func (t *extensionsType) put(nr *nestedRequest) (int, any, error) {
	var in extensionInput
	if err := decodeBody(nr.Request, &in); err != nil {
		return 0, nil, err
	}
	settings, err := settingsFromInput(&in, t.svc().Catalog)
	if err != nil {
		return 0, nil, err
	}
	protected, err := stringMap("configurationProtectedSettings", in.Properties.ConfigurationProtectedSettings)
	if err != nil {
		return 0, nil, err
	}
	old, err := t.writable(nr)
	if err != nil {
		return 0, nil, err
	}
	rec := &extensions.Record{ID: t.id(nr), Name: nr.name, Settings: settings, Phase: extensions.PhaseCreating}
	previous := ""
	if old != nil {
		if !strings.EqualFold(old.ExtensionType, settings.ExtensionType) {
			return 0, nil, badRequest(codeInvalidParameter, "The property 'properties.extensionType' cannot change from '%s' to '%s'; delete the extension and create it again.", old.ExtensionType, settings.ExtensionType)
		}
		rec.Audit, rec.Phase, previous = old.Audit, extensions.PhaseUpdating, old.Version
	}
	if err := t.svc().Resolve(rec, previous); err != nil {
		return 0, nil, lookupError(err)
	}
	if rec.SealedProtectedSettings, err = t.svc().SealProtected(protected); err != nil {
		return 0, nil, err
	}
	t.touch(nr, rec, old == nil)
	return t.write(nr, rec)
}

// writable returns the stored extension (nil when new) if it may be written: not being
// deleted, and not one applied in the cluster.
func (t *extensionsType) writable(nr *nestedRequest) (*extensions.Record, error) {
	return writableRecord(t.provisioned(), nr)
}

// write stores rec and answers the operation it started.
func (t *extensionsType) write(nr *nestedRequest, rec *extensions.Record) (int, any, error) {
	created, opID, err := t.save(nr, rec)
	if err != nil {
		return 0, nil, err
	}
	doc, err := t.answer(nr, rec)
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return status, asyncOperation(nr, opID, doc), nil
}

// patch changes the updatable properties of an extension; settings maps are merged.
func (t *extensionsType) patch(nr *nestedRequest) (int, any, error) {
	var p extensionPatch
	if err := decodeBody(nr.Request, &p); err != nil {
		return 0, nil, err
	}
	old, err := t.writable(nr)
	if err != nil {
		return 0, nil, err
	}
	if old == nil {
		return 0, nil, notFound(extensions.ResourceType, t.id(nr))
	}
	rec := *old
	if err := t.applyPatch(&rec, &p); err != nil {
		return 0, nil, err
	}
	if err := t.svc().Resolve(&rec, old.Version); err != nil {
		return 0, nil, lookupError(err)
	}
	rec.Phase = extensions.PhaseUpdating
	t.touch(nr, &rec, false)
	_, doc, err := t.write(nr, &rec)
	return http.StatusAccepted, doc, err
}

func (t *extensionsType) applyPatch(rec *extensions.Record, p *extensionPatch) error {
	pp := p.Properties
	if pp == nil {
		return nil
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
		return err
	}
	var err error
	if rec.ConfigurationSettings, err = mergeMap("configurationSettings", rec.ConfigurationSettings, pp.ConfigurationSettings); err != nil {
		return err
	}
	if pp.ConfigurationProtectedSettings == nil {
		return nil
	}
	protected, err := t.svc().OpenProtected(rec.SealedProtectedSettings)
	if err != nil {
		return err
	}
	if protected, err = mergeMap("configurationProtectedSettings", protected, pp.ConfigurationProtectedSettings); err != nil {
		return err
	}
	rec.SealedProtectedSettings, err = t.svc().SealProtected(protected)
	return err
}

// delete marks the extension Deleting and removes its desired state, so the agent
// uninstalls it; the resource goes when the agent reports it uninstalled. forceDelete=true
// removes it at once, without waiting for the agent.
func (t *extensionsType) delete(nr *nestedRequest) (int, any, error) {
	return deleteRecord(t.api, t.provisioned(), nr)
}

// provisioned is how the shared paths of agent-provisioned resources handle extensions.
func (t *extensionsType) provisioned() provisioned[extensions.Record, *extensions.Record] {
	return provisioned[extensions.Record, *extensions.Record]{resourceType: t.resourceType(), noun: "extension", id: t.id, load: t.load,
		clusterOwnedConflict: t.clusterOwnedConflict, forceDelete: t.forceDelete, markDeleting: t.markDeleting, outcome: t.outcome}
}

func (t *extensionsType) forceDelete(nr *nestedRequest, rec *extensions.Record) error {
	return t.svc().ForceDelete(nr.Context(), nr.clusterKey(), rec)
}

func (t *extensionsType) markDeleting(nr *nestedRequest, rec *extensions.Record) error {
	t.touch(nr, rec, false)
	return t.svc().MarkDeleting(nr.Context(), nr.clusterKey(), rec)
}

// operation answers an operation's status, derived from the extension's state now.
func (t *extensionsType) operation(nr *nestedRequest) (int, any, error) {
	return recordOperation(t.api, t.provisioned(), nr)
}

// outcome sets the status of a write operation from the extension's state now.
func (t *extensionsType) outcome(nr *nestedRequest, rec *extensions.Record, out *operationStatus) error {
	doc, err := t.answer(nr, rec)
	if err != nil {
		return err
	}
	t.writeOutcome(out, doc)
	return nil
}

func (t *extensionsType) writeOutcome(out *operationStatus, doc *extensionDoc) {
	switch doc.Properties.ProvisioningState {
	case extensions.StateSucceeded:
		out.Status = "Succeeded"
	case extensions.StateFailed:
		out.Status = "Failed"
		out.Error = &errorDetail{Code: "ExtensionOperationFailed", Message: "The agent could not install the extension."}
		if e := doc.Properties.ErrorInfo; e != nil && e.Message != "" {
			out.Error.Message = e.Message
		}
	}
}
