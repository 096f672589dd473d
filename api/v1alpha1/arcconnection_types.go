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

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ArcConnectionName is the only name an ArcConnection may have: there is one per cluster.
const ArcConnectionName = "default"

// ConnectivityStatus is the cluster's connection state as the hub reports it.
// +kubebuilder:validation:Enum=Connecting;Connected;Offline;Expired
type ConnectivityStatus string

// Connectivity states, as Azure Arc names them.
const (
	// ConnectivityConnecting: the cluster exists on the hub but has not sent a heartbeat yet.
	ConnectivityConnecting ConnectivityStatus = "Connecting"
	// ConnectivityConnected: heartbeats arrive.
	ConnectivityConnected ConnectivityStatus = "Connected"
	// ConnectivityOffline: no heartbeat for longer than the hub's offline threshold.
	ConnectivityOffline ConnectivityStatus = "Offline"
	// ConnectivityExpired: the agent's credential lapsed without renewal.
	ConnectivityExpired ConnectivityStatus = "Expired"
)

// ArcConnectionSpec is how the agent reaches the hub and which cluster it speaks for.
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.resourceID) || self.resourceID == oldSelf.resourceID",message="resourceID is immutable: disconnect the cluster and connect it again to give it another identity"
// +kubebuilder:validation:XValidation:rule="!has(self.hubURLs) || !(self.hubURL in self.hubURLs)",message="hubURLs must not repeat hubURL: list only the further URLs of the hub"
type ArcConnectionSpec struct {
	// hubURL is the base URL of the kubearc hub, for example https://hub.example.com:8443.
	// The agent only ever dials out to it; it must be an https URL, without a user name or
	// password (the agent authenticates with its key and client certificate).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="isURL(self) && url(self).getScheme() == 'https' && url(self).getHostname() != ''",message="hubURL must be an https URL with a host, for example https://hub.example.com:8443"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[^/]*//[^/?#]*@')",message="hubURL must not hold a user name or password (https://user:password@host): remove them; the agent authenticates with its key and client certificate"
	HubURL string `json:"hubURL"`

	// hubURLs are further base URLs of the same hub, for example the addresses of its
	// replicas (docs/replicas.md). The agent starts at one of hubURL and hubURLs picked by
	// its cluster's resourceID, so that clusters given the same URLs spread over them, and
	// moves to the next URL, in order and round robin, when the one it uses cannot be
	// reached or answers 502, 503 or 504. Each must be an https URL whose host the hub's
	// serving certificate names, without a user name or password.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=8
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:XValidation:rule="isURL(self) && url(self).getScheme() == 'https' && url(self).getHostname() != ''",message="each of hubURLs must be an https URL with a host, for example https://hub-1.example.com:8443"
	// +kubebuilder:validation:items:XValidation:rule="!self.matches('^[^/]*//[^/?#]*@')",message="each of hubURLs must be without a user name or password (https://user:password@host): remove them; the agent authenticates with its key and client certificate"
	HubURLs []string `json:"hubURLs,omitempty"`

	// resourceID is the ARM ID of the connectedCluster this cluster is on the hub:
	// /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Kubernetes/connectedClusters/{name}.
	// It cannot be changed once set.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:XValidation:rule="self.matches('^/(?i:subscriptions)/[0-9A-Za-z-]{1,64}/(?i:resourceGroups)/[-\\\\w.()]{0,89}[-\\\\w()]/(?i:providers/Microsoft\\\\.Kubernetes/connectedClusters)/[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$')",message="resourceID must look like /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Kubernetes/connectedClusters/{name}, with a cluster name of 1-63 letters, digits, '-' or '_'"
	ResourceID string `json:"resourceID"`

	// agentKeySecretRef names the Secret, in the agent's namespace, that holds the agent's
	// private key. The agent creates the key there when the Secret does not exist; the key
	// never leaves the cluster.
	// +optional
	// +kubebuilder:default={name: "kubearc-agent-key"}
	AgentKeySecretRef *SecretReference `json:"agentKeySecretRef,omitempty"`

	// hubCASecretRef names the Secret, in the agent's namespace, whose "ca.crt" key holds the
	// PEM bundle the agent trusts for the hub's serving certificate. Without it the system
	// roots are used.
	// +optional
	HubCASecretRef *SecretReference `json:"hubCASecretRef,omitempty"`

	// heartbeatInterval is how often the agent reports to the hub, at least 10s.
	// +optional
	// +kubebuilder:default="30s"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('10s')",message="heartbeatInterval must be at least 10s, for example 30s or 1m"
	HeartbeatInterval *metav1.Duration `json:"heartbeatInterval,omitempty"`

	// proxy is the HTTPS proxy the agent goes through to reach the hub.
	// +optional
	Proxy *ProxySpec `json:"proxy,omitempty"`

	// agentUpgrade says whether the agent upgrades itself, and from which release train.
	// +optional
	// +kubebuilder:default={}
	AgentUpgrade AgentUpgradeSpec `json:"agentUpgrade,omitempty"`

	// clusterConnect controls the reverse tunnel through which users reach this cluster's
	// API server via the hub.
	// +optional
	// +kubebuilder:default={}
	ClusterConnect ClusterConnectSpec `json:"clusterConnect,omitempty"`
}

// SecretReference names a Secret in the agent's namespace.
type SecretReference struct {
	// name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
	Name string `json:"name"`
}

// ProxySpec is an outbound HTTPS proxy.
type ProxySpec struct {
	// httpsProxy is the proxy URL, for example http://proxy.corp:3128.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="isURL(self) && url(self).getScheme() in ['http', 'https'] && url(self).getHostname() != ''",message="proxy.httpsProxy must be an http or https URL with a host, for example http://proxy.corp:3128"
	HTTPSProxy string `json:"httpsProxy"`

	// noProxy lists the hosts, domains (".corp.example") and CIDR ranges reached without the
	// proxy, as in the NO_PROXY environment variable.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=253
	NoProxy []string `json:"noProxy,omitempty"`

	// caSecretRef names the Secret, in the agent's namespace, whose "ca.crt" key holds the
	// PEM bundle of a proxy that intercepts TLS.
	// +optional
	CASecretRef *SecretReference `json:"caSecretRef,omitempty"`
}

// AgentUpgradeSpec controls the agent's self-upgrade.
type AgentUpgradeSpec struct {
	// autoUpgrade lets the agent upgrade itself to the newest version on its release train.
	// +optional
	// +kubebuilder:default=true
	AutoUpgrade *bool `json:"autoUpgrade,omitempty"`

	// releaseTrain is the hub catalog's release train the agent follows, for example Stable
	// or Preview.
	// +optional
	// +kubebuilder:default="Stable"
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern="^[A-Za-z][A-Za-z0-9-]*$"
	ReleaseTrain string `json:"releaseTrain,omitempty"`
}

// ClusterConnectSpec controls cluster connect.
type ClusterConnectSpec struct {
	// enabled keeps an outbound tunnel open to the hub for cluster connect.
	// +optional
	// +kubebuilder:default=false
	Enabled bool `json:"enabled,omitempty"`
}

// ClusterMetadata is what the agent detected about the cluster.
type ClusterMetadata struct {
	// kubernetesVersion is the API server's version, for example v1.37.2.
	// +optional
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`

	// nodeCount is the number of nodes.
	// +optional
	NodeCount int32 `json:"nodeCount,omitempty"`

	// vcpuCount is the total CPU capacity of the nodes, in whole vCPUs.
	// +optional
	VCPUCount int32 `json:"vcpuCount,omitempty"`

	// agentVersion is the version of the running agent.
	// +optional
	AgentVersion string `json:"agentVersion,omitempty"`

	// distribution is the Kubernetes distribution, for example kind, k3s, rke2, eks, gke,
	// aks, openshift, minikube or generic.
	// +optional
	Distribution string `json:"distribution,omitempty"`

	// infrastructure is where the cluster runs, for example aws, gcp, azure, vsphere,
	// bare_metal or generic.
	// +optional
	Infrastructure string `json:"infrastructure,omitempty"`
}

// ArcConnectionStatus is what the agent observed of its connection to the hub.
type ArcConnectionStatus struct {
	// observedGeneration is the generation of the spec the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions are Ready, Registered and Connected, plus Reconciling and Stalled while true.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// hubURL is the hub URL the agent used for its last successful heartbeat: spec.hubURL or
	// one of spec.hubURLs.
	// +optional
	HubURL string `json:"hubURL,omitempty"`

	// connectivityStatus is the cluster's state as the hub sees it.
	// +optional
	ConnectivityStatus ConnectivityStatus `json:"connectivityStatus,omitempty"`

	// lastHeartbeatTime is when the hub last accepted a heartbeat.
	// +optional
	LastHeartbeatTime *metav1.Time `json:"lastHeartbeatTime,omitempty"`

	// clientCertificateExpirationTime is when the agent's client certificate expires; the
	// agent renews it well before.
	// +optional
	ClientCertificateExpirationTime *metav1.Time `json:"clientCertificateExpirationTime,omitempty"`

	// metadata is what the agent detected about the cluster and reports with each heartbeat.
	// +optional
	Metadata ClusterMetadata `json:"metadata,omitempty"`

	// desiredAgentVersion is the agent version the hub asks for, if it pins one.
	// +optional
	DesiredAgentVersion string `json:"desiredAgentVersion,omitempty"`

	// availableAgentVersion is the newest agent version on the release train.
	// +optional
	AvailableAgentVersion string `json:"availableAgentVersion,omitempty"`
	// clusterConnect is the state of the cluster connect tunnel to the hub.
	// +optional
	ClusterConnect *ClusterConnectStatus `json:"clusterConnect,omitempty"`

	// connectivityChecks are the results of the agent's last connectivity checks to the hub
	// (DNS, TCP, proxy, TLS, clock skew, client certificate), one per check. The agent runs
	// them at start, periodically and soon after a failed connection.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=16
	ConnectivityChecks []ConnectivityCheck `json:"connectivityChecks,omitempty"`
}

// ConnectivityCheckResult is how a connectivity check ended.
// +kubebuilder:validation:Enum=Passed;Warning;Failed
type ConnectivityCheckResult string

// ConnectivityCheck is the result of one connectivity check the agent ran against the hub.
type ConnectivityCheck struct {
	// name is the check: DNS, TCP, Proxy, TLS, ClockSkew or ClientCertificate.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	Name string `json:"name"`
	// result is Passed, Warning or Failed.
	// +required
	Result ConnectivityCheckResult `json:"result"`
	// message says what the check found and, unless it passed, what to fix. It never holds a
	// credential.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message,omitempty"`
	// duration is how long the check took.
	// +optional
	Duration *metav1.Duration `json:"duration,omitempty"`
	// time is when the check ran.
	// +required
	Time metav1.Time `json:"time"`
}

// TunnelState is the state of the cluster connect tunnel.
// +kubebuilder:validation:Enum=Disabled;Connecting;Connected;Disconnected
type TunnelState string

// Tunnel states.
const (
	// TunnelDisabled: cluster connect is off (spec.clusterConnect.enabled is false).
	TunnelDisabled TunnelState = "Disabled"
	// TunnelConnecting: the agent is opening the tunnel, or waits for its registration.
	TunnelConnecting TunnelState = "Connecting"
	// TunnelConnected: the tunnel is open; users reach the API server through the hub.
	TunnelConnected TunnelState = "Connected"
	// TunnelDisconnected: the tunnel failed or closed; the agent retries with backoff.
	TunnelDisconnected TunnelState = "Disconnected"
)

// ClusterConnectStatus is what the agent observed of its cluster connect tunnel.
type ClusterConnectStatus struct {
	// state is the tunnel's state.
	// +optional
	State TunnelState `json:"state,omitempty"`
	// message says why the tunnel is not connected, when it is not.
	// +optional
	Message string `json:"message,omitempty"`
	// lastTransitionTime is when the state last changed.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
}

// ArcConnection connects the cluster to a kubearc hub. There is one per cluster, named
// "default".
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=arcconn;arc,categories=kubearc
// +kubebuilder:printcolumn:name="Connectivity",type=string,JSONPath=`.status.connectivityStatus`
// +kubebuilder:printcolumn:name="Kubernetes",type=string,JSONPath=`.status.metadata.kubernetesVersion`
// +kubebuilder:printcolumn:name="Nodes",type=integer,JSONPath=`.status.metadata.nodeCount`
// +kubebuilder:printcolumn:name="Agent",type=string,JSONPath=`.status.metadata.agentVersion`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Hub",type=string,JSONPath=`.status.hubURL`,priority=1
// +kubebuilder:printcolumn:name="Tunnel",type=string,JSONPath=`.status.clusterConnect.state`,priority=1
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.metadata.name == 'default'",message="an ArcConnection must be named 'default': a cluster has exactly one"
type ArcConnection struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is how the agent reaches the hub.
	// +required
	Spec ArcConnectionSpec `json:"spec"`

	// status is what the agent observed.
	// +optional
	Status ArcConnectionStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ArcConnectionList is a list of ArcConnections.
type ArcConnectionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ArcConnection `json:"items"`
}

// GetConditions returns the status conditions.
func (a *ArcConnection) GetConditions() []metav1.Condition { return a.Status.Conditions }

// SetConditions replaces the status conditions.
func (a *ArcConnection) SetConditions(c []metav1.Condition) { a.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (a *ArcConnection) SetObservedGeneration(g int64) { a.Status.ObservedGeneration = g }

func init() {
	SchemeBuilder.Register(addKnownTypes(&ArcConnection{}, &ArcConnectionList{}))
}
