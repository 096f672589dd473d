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

package v1alpha1

// Condition types shared by every kind. They follow kstatus: Ready is always present,
// Reconciling and Stalled only while they are true.
const (
	// ReadyCondition says whether the object's desired state is in effect.
	ReadyCondition = "Ready"
	// ReconcilingCondition is present and true while the controller works towards the spec.
	ReconcilingCondition = "Reconciling"
	// StalledCondition is present and true when the controller cannot make progress without
	// a change to the spec or the environment.
	StalledCondition = "Stalled"
)

// Condition types of an ArcConnection.
const (
	// RegisteredCondition says whether the agent holds a valid client certificate from the hub.
	RegisteredCondition = "Registered"
	// ConnectedCondition says whether the hub accepted the last heartbeat.
	ConnectedCondition = "Connected"
)

// Reasons shared by every kind.
const (
	// SucceededReason: the desired state was applied.
	SucceededReason = "Succeeded"
	// ProgressingReason: the controller is working towards the desired state.
	ProgressingReason = "Progressing"
	// InvalidSpecReason: the spec cannot be acted on until it is changed.
	InvalidSpecReason = "InvalidSpec"
	// SecretNotFoundReason: a referenced Secret (or a key in it) is missing.
	SecretNotFoundReason = "SecretNotFound"
)

// Reasons of the Registered condition.
const (
	// RegisteredReason: the hub issued a client certificate that is still valid.
	RegisteredReason = "Registered"
	// RegistrationPendingReason: the agent has not registered yet.
	RegistrationPendingReason = "RegistrationPending"
	// RegistrationFailedReason: the hub refused the proof of possession of the agent key,
	// for example because the connectedCluster's agentPublicKeyCertificate differs.
	RegistrationFailedReason = "RegistrationFailed"
	// CertificateExpiredReason: the client certificate lapsed; the agent re-registers by
	// proving possession of its key again.
	CertificateExpiredReason = "CertificateExpired"
)

// Reasons of the Connected condition.
const (
	// HeartbeatSucceededReason: the hub accepted the last heartbeat.
	HeartbeatSucceededReason = "HeartbeatSucceeded"
	// HubUnreachableReason: the hub could not be reached (network, proxy, DNS or TLS).
	HubUnreachableReason = "HubUnreachable"
	// HubRejectedReason: the hub answered the heartbeat with an error.
	HubRejectedReason = "HubRejected"
	// ClusterNotFoundReason: the connectedCluster no longer exists on the hub.
	ClusterNotFoundReason = "ClusterNotFound"
)

// Reasons of an Extension's conditions.
const (
	// ChartUnavailableReason: the chart could not be fetched from its repository.
	ChartUnavailableReason = "ChartUnavailable"
	// InstallFailedReason: the first install of the release failed; the agent retries.
	InstallFailedReason = "InstallFailed"
	// UpgradeFailedReason: an upgrade failed and the release was rolled back to the last
	// good revision, which keeps running.
	UpgradeFailedReason = "UpgradeFailed"
	// UninstallFailedReason: uninstalling the release failed; the agent retries.
	UninstallFailedReason = "UninstallFailed"
	// InvalidSettingsReason: the configuration or protected settings are not valid Helm values.
	InvalidSettingsReason = "InvalidSettings"
	// DesiredStateInvalidReason: the hub's latest desired object for this CR could not be
	// used (for example its protected settings could not be decrypted); the CR keeps the
	// last good spec.
	DesiredStateInvalidReason = "DesiredStateInvalid"
	// InstallingReason: the agent is installing or upgrading the release.
	InstallingReason = "Installing"
)

// Condition types of an Extension beside Ready, Reconciling and Stalled.
const (
	// HubSyncedCondition says whether a hub-owned Extension equals the hub's latest desired
	// object; it is False when the latest one could not be used.
	HubSyncedCondition = "HubSynced"
)

// Reasons of a GitOpsConfiguration's conditions.
const (
	// FluxNotInstalledReason: Flux's CRDs are not served yet; the agent waits for them (the
	// hub installs Flux as an extension).
	FluxNotInstalledReason = "FluxNotInstalled"
	// FluxObjectsNotReadyReason: a Flux object of the configuration failed; the message
	// carries Flux's.
	FluxObjectsNotReadyReason = "FluxObjectsNotReady"
	// FluxReconcilingReason: Flux has not finished reconciling the latest spec.
	FluxReconcilingReason = "FluxReconciling"
	// SuspendedReason: the configuration is suspended.
	SuspendedReason = "Suspended"
	// DependencyCycleReason: the kustomizations' dependsOn form a cycle.
	DependencyCycleReason = "DependencyCycle"
	// ApplyFailedReason: the Flux objects could not be written to the cluster.
	ApplyFailedReason = "ApplyFailed"
	// PruneFailedReason: Flux objects the spec no longer has could not be deleted.
	PruneFailedReason = "PruneFailed"
	// ObserveFailedReason: the status of the Flux objects could not be read.
	ObserveFailedReason = "ObserveFailed"
	// SecretReadFailedReason: the Secret spec.secretRef names could not be read (it exists,
	// or its absence could not be told).
	SecretReadFailedReason = "SecretReadFailed"
	// FluxDiscoveryFailedReason: the API server could not tell whether Flux's APIs are served.
	FluxDiscoveryFailedReason = "FluxDiscoveryFailed"
	// RenderFailedReason: the Flux objects could not be built, for a reason other than the spec.
	RenderFailedReason = "RenderFailed"
)

// The AgentUpgrade condition of an ArcConnection and its reasons.
const (
	// AgentUpgradeCondition says whether the agent runs the version the hub wants; False
	// while it cannot get there.
	AgentUpgradeCondition = "AgentUpgrade"
	// AgentUpToDateReason: the agent runs the hub's target version, or there is none.
	AgentUpToDateReason = "UpToDate"
	// AgentUpgradingReason: the agent is upgrading its own Helm release.
	AgentUpgradingReason = "Upgrading"
	// AgentUpgradeFailedReason: upgrading the agent's release failed and was rolled back.
	AgentUpgradeFailedReason = "UpgradeFailed"
	// AgentNotHelmManagedReason: the agent runs outside a Helm release (arcctl
	// --local-agent) and cannot upgrade itself.
	AgentNotHelmManagedReason = "NotHelmManaged"
	// AgentUnsupportedReason: the running version is outside the support window (more than
	// two minor versions behind the newest on its release train).
	AgentUnsupportedReason = "Unsupported"
	// AgentUpgradeDisabledReason: a newer version is available but auto-upgrade is off.
	AgentUpgradeDisabledReason = "AutoUpgradeDisabled"
)
