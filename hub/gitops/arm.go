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

package gitops

import (
	"encoding/json"
	"time"

	"github.com/kubearc/kubearc/hub/nested"
)

// The ARM documents of a Flux configuration (api-version 2023-05-01), with the JSON names of
// armkubernetesconfiguration/v2. One set of types serves PUT and PATCH bodies and answers:
// pointers tell "absent" from "zero", and null in a PATCH map removes a key.

// Input is the body of a PUT or PATCH.
type Input struct {
	Properties *Properties `json:"properties"`
}

// Properties are the writable properties of FluxConfigurationProperties and
// FluxConfigurationPatchProperties. Read-only properties a client echoes are ignored.
type Properties struct {
	Scope                          *string                   `json:"scope,omitempty"`
	Namespace                      *string                   `json:"namespace,omitempty"`
	SourceKind                     *string                   `json:"sourceKind,omitempty"`
	Suspend                        *bool                     `json:"suspend,omitempty"`
	GitRepository                  *GitRepository            `json:"gitRepository,omitempty"`
	Bucket                         json.RawMessage           `json:"bucket,omitempty"`
	AzureBlob                      json.RawMessage           `json:"azureBlob,omitempty"`
	OCIRepository                  json.RawMessage           `json:"ociRepository,omitempty"`
	Kustomizations                 map[string]*Kustomization `json:"kustomizations,omitempty"`
	ConfigurationProtectedSettings map[string]*string        `json:"configurationProtectedSettings,omitempty"`
}

// GitRepository is GitRepositoryDefinition (and its patch form).
type GitRepository struct {
	URL                   *string        `json:"url,omitempty"`
	TimeoutInSeconds      *int64         `json:"timeoutInSeconds,omitempty"`
	SyncIntervalInSeconds *int64         `json:"syncIntervalInSeconds,omitempty"`
	RepositoryRef         *RepositoryRef `json:"repositoryRef,omitempty"`
	SSHKnownHosts         *string        `json:"sshKnownHosts,omitempty"`
	HTTPSUser             *string        `json:"httpsUser,omitempty"`
	HTTPSCACert           *string        `json:"httpsCACert,omitempty"`
	LocalAuthRef          *string        `json:"localAuthRef,omitempty"`
}

// RepositoryRef is RepositoryRefDefinition.
type RepositoryRef struct {
	Branch *string `json:"branch,omitempty"`
	Tag    *string `json:"tag,omitempty"`
	Semver *string `json:"semver,omitempty"`
	Commit *string `json:"commit,omitempty"`
}

// Kustomization is KustomizationDefinition (and its patch form); Name is read-only.
type Kustomization struct {
	Name                   *string    `json:"name,omitempty"`
	Path                   *string    `json:"path,omitempty"`
	DependsOn              []string   `json:"dependsOn,omitempty"`
	TimeoutInSeconds       *int64     `json:"timeoutInSeconds,omitempty"`
	SyncIntervalInSeconds  *int64     `json:"syncIntervalInSeconds,omitempty"`
	RetryIntervalInSeconds *int64     `json:"retryIntervalInSeconds,omitempty"`
	Prune                  *bool      `json:"prune,omitempty"`
	Force                  *bool      `json:"force,omitempty"`
	Wait                   *bool      `json:"wait,omitempty"`
	PostBuild              *PostBuild `json:"postBuild,omitempty"`
}

// PostBuild is PostBuildDefinition.
type PostBuild struct {
	Substitute     map[string]string `json:"substitute,omitempty"`
	SubstituteFrom []SubstituteFrom  `json:"substituteFrom,omitempty"`
}

// SubstituteFrom is SubstituteFromDefinition.
type SubstituteFrom struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Optional bool   `json:"optional,omitempty"`
}

// Doc is a Flux configuration as the API answers it. It never carries
// configurationProtectedSettings: they are write-only.
type Doc = nested.Doc[DocProperties]

// DocProperties are the properties of an answer: the spec and the state the agent reported.
type DocProperties struct {
	Scope                string                    `json:"scope"`
	Namespace            string                    `json:"namespace"`
	SourceKind           string                    `json:"sourceKind"`
	Suspend              bool                      `json:"suspend"`
	GitRepository        *GitRepository            `json:"gitRepository,omitempty"`
	Kustomizations       map[string]*Kustomization `json:"kustomizations"`
	ProvisioningState    string                    `json:"provisioningState"`
	ComplianceState      string                    `json:"complianceState"`
	Statuses             []ObjectStatus            `json:"statuses"`
	SourceSyncedCommitID string                    `json:"sourceSyncedCommitId,omitempty"`
	SourceUpdatedAt      *time.Time                `json:"sourceUpdatedAt,omitempty"`
	StatusUpdatedAt      *time.Time                `json:"statusUpdatedAt,omitempty"`
	ErrorMessage         string                    `json:"errorMessage,omitempty"`
}

// ObjectStatus is ObjectStatusDefinition (helmReleaseProperties omitted).
type ObjectStatus struct {
	Kind             string            `json:"kind"`
	Name             string            `json:"name"`
	Namespace        string            `json:"namespace,omitempty"`
	ComplianceState  string            `json:"complianceState"`
	AppliedBy        *ObjectReference  `json:"appliedBy,omitempty"`
	StatusConditions []StatusCondition `json:"statusConditions"`
}

// ObjectReference is ObjectReferenceDefinition.
type ObjectReference struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// StatusCondition is ObjectStatusConditionDefinition.
type StatusCondition struct {
	Type               string     `json:"type"`
	Status             string     `json:"status"`
	Reason             string     `json:"reason,omitempty"`
	Message            string     `json:"message,omitempty"`
	LastTransitionTime *time.Time `json:"lastTransitionTime,omitempty"`
}

// List is a listing.
type List struct {
	Value    []*Doc `json:"value"`
	NextLink string `json:"nextLink,omitempty"`
}
