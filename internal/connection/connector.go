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

// Package connection keeps the cluster connected to the hub; it is the work behind the
// ArcConnection reconciler: the agent's identity, registration by proof of possession and
// renewal, heartbeats with the cluster's metadata, and the desired-state mirror.
package connection

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agentkey"
	"github.com/kubearc/kubearc/internal/connectivitycheck"
	"github.com/kubearc/kubearc/internal/metadata"
	"github.com/kubearc/kubearc/internal/reconcile"
	"github.com/kubearc/kubearc/internal/version"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Connector keeps one cluster connected. It is a manager Runnable that needs the leader
// lease: only the elected replica speaks for the cluster, and the mirror lives as long as
// the manager does.
type Connector struct {
	Client    client.Client
	Clientset kubernetes.Interface
	// Namespace is the agent's namespace, where the Secrets it reads and writes live.
	Namespace string
	Recorder  events.EventRecorder
	// Wake receives a value when the hub's desired state changes or the mirror needs the
	// reconciler; the controller watches it.
	Wake chan event.GenericEvent
	Log  logr.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Desired, when set, receives the hub's whole desired state, keyed "Kind/Name", after
	// every change the mirror sees. It runs on the mirror's goroutine and must not block long.
	Desired func(objects map[string]protocol.DesiredObject)
	// AgentUpgrade, when set, returns the self-upgrade's AgentUpgrade condition (nil: none
	// yet), which the ArcConnection's status shows.
	AgentUpgrade func() *metav1.Condition
	// Features are the optional features turned on in the agent, reported in every
	// heartbeat beside cluster connect.
	Features []string
	// ConnectFailed, when set, is called after a failed attempt to connect (registration or
	// heartbeat), without blocking: the connectivity checks run soon after.
	ConnectFailed func()

	mu       sync.Mutex
	baseCtx  context.Context
	session  *session
	failures int
	cpu      metadata.CPUMeter
}

// Start runs until the manager stops, then closes the session.
func (c *Connector) Start(ctx context.Context) error {
	c.mu.Lock()
	c.baseCtx = ctx
	c.mu.Unlock()
	<-ctx.Done()
	c.Stop()
	return nil
}

// NeedLeaderElection makes the Connector run on the leader only.
func (c *Connector) NeedLeaderElection() bool { return true }

// Notify asks the ArcConnection reconciler to run, e.g. after the self-upgrade's condition
// changed, without blocking.
func (c *Connector) Notify() { notify(c.Wake) }

// Stop closes the session, e.g. when the ArcConnection is deleted.
func (c *Connector) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != nil {
		c.session.close()
		c.session = nil
	}
}

// HubClient returns the client of the current session once it holds a certificate, for the
// components that talk to the hub beside the connector (status reports, the tunnel); nil
// while the agent is not registered.
func (c *Connector) HubClient() *agentclient.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == nil {
		return nil
	}
	if _, _, ok := c.session.client.Certificate(); !ok {
		return nil
	}
	return c.session.client
}

// CheckTarget returns what the connectivity checks look at: the current session's hub
// options, with the hub URL the client uses now first, and client certificate; false before
// the first Sync built a session.
func (c *Connector) CheckTarget() (connectivitycheck.Target, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == nil {
		return connectivitycheck.Target{}, false
	}
	certPEM, _, _ := c.session.client.Certificate()
	opts := c.session.opts
	opts.HubURL = c.session.client.HubURL()
	return connectivitycheck.Target{Options: opts, CertificatePEM: certPEM}, true
}

func (c *Connector) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Sync connects obj's cluster to the hub and writes what happened into obj.Status; the
// caller patches the status.
func (c *Connector) Sync(ctx context.Context, obj *arcv1alpha1.ArcConnection) (ctrl.Result, error) {
	keyRef := client.ObjectKey{Namespace: c.Namespace, Name: agentKeyName(obj)}
	id, err := agentkey.Ensure(ctx, c.Client, keyRef)
	if err != nil {
		return ctrl.Result{}, err
	}
	opts, err := c.hubOptions(ctx, obj, id)
	var missing *missingSecretError
	if errors.As(err, &missing) {
		reconcile.Set(obj, arcv1alpha1.RegisteredCondition, metav1.ConditionFalse, arcv1alpha1.SecretNotFoundReason, missing.Error())
		return reconcile.Outcome(obj, reconcile.WaitForSecret(missing.Error()))
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	s, err := c.sessionFor(opts, id)
	if err != nil { // the options cannot work until the spec changes
		reconcile.MarkStalled(obj, arcv1alpha1.InvalidSpecReason, err.Error())
		return ctrl.Result{}, nil
	}
	if err := c.register(ctx, obj, s, keyRef); err != nil {
		return c.retry(obj, err), nil
	}
	if err := c.heartbeat(ctx, obj, s); err != nil {
		return c.retry(obj, err), nil
	}
	c.succeeded(obj, s)
	return ctrl.Result{RequeueAfter: reconcile.Jitter(heartbeatInterval(obj))}, nil
}

// sessionFor returns the session for opts, replacing one built from other options.
func (c *Connector) sessionFor(opts agentclient.Options, id agentkey.Identity) (*session, error) {
	fp := fingerprint(opts)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != nil && c.session.fingerprint == fp {
		return c.session, nil
	}
	hc, err := agentclient.New(opts)
	if err != nil {
		return nil, err
	}
	if len(id.CertificatePEM) > 0 {
		if err := hc.SetCertificate(id.CertificatePEM); err != nil {
			c.Log.Info("Ignoring the stored client certificate; registering again", "reason", err.Error())
		}
	}
	if c.session != nil {
		c.session.close()
	}
	c.session = &session{fingerprint: fp, client: hc, opts: opts}
	return c.session, nil
}

// register obtains a client certificate when there is none, it is due for renewal or the
// hub refused it, by proving possession of the agent key.
func (c *Connector) register(ctx context.Context, obj *arcv1alpha1.ArcConnection, s *session, keyRef client.ObjectKey) error {
	if !s.client.NeedsRegistration(c.now()) && !s.refused() {
		return nil
	}
	resp, err := s.client.Register(ctx)
	if err != nil {
		reason, msg := registrationFailure(obj, err)
		setNotReady(obj, arcv1alpha1.RegisteredCondition, reason, msg)
		reconcile.Event(c.Recorder, obj, corev1.EventTypeWarning, reason, "Register", msg)
		return err
	}
	if err := agentkey.SaveCertificate(ctx, c.Client, keyRef, []byte(resp.Certificate)); err != nil {
		return err
	}
	s.setRefused(false)
	until := resp.NotAfter.UTC().Format(time.RFC3339)
	reconcile.Set(obj, arcv1alpha1.RegisteredCondition, metav1.ConditionTrue, arcv1alpha1.RegisteredReason,
		"The hub issued a client certificate valid until "+until)
	reconcile.Event(c.Recorder, obj, corev1.EventTypeNormal, arcv1alpha1.RegisteredReason, "Register",
		"Registered with the hub; certificate valid until "+until)
	s.ensureMirror(c.mirrorContext(), c.Log, c.Wake, c.Desired)
	return nil
}

func registrationFailure(obj *arcv1alpha1.ArcConnection, err error) (reason, message string) {
	switch {
	case agentclient.IsNotFound(err):
		return arcv1alpha1.ClusterNotFoundReason, fmt.Sprintf("The hub has no connectedCluster %s: connect the cluster again with arcctl connectedk8s connect", obj.Spec.ResourceID)
	case agentclient.IsForbidden(err):
		return arcv1alpha1.RegistrationFailedReason, "The hub refused the agent key: the connectedCluster's agentPublicKeyCertificate is another key; connect the cluster again"
	default:
		return arcv1alpha1.HubUnreachableReason, "Registering with the hub failed: " + err.Error()
	}
}

// heartbeat reports the cluster's metadata and the agent's own resource use.
func (c *Connector) heartbeat(ctx context.Context, obj *arcv1alpha1.ArcConnection, s *session) error {
	s.ensureMirror(c.mirrorContext(), c.Log, c.Wake, c.Desired)
	cluster, err := metadata.Collect(ctx, c.Clientset)
	if err != nil {
		return fmt.Errorf("collecting cluster metadata: %w", err)
	}
	cpu, mem := c.selfUsage()
	beat := metadata.ToHeartbeat(cluster, version.Version, cpu, mem)
	beat.Features = c.features(obj)
	resp, hubURL, err := s.client.HeartbeatAt(ctx, beat)
	if mustRegisterAgain(err) {
		s.setRefused(true) // register again on the next attempt
	}
	if err != nil {
		obj.Status.ConnectivityStatus = arcv1alpha1.ConnectivityOffline
		reason := arcv1alpha1.HubUnreachableReason
		var he *agentclient.HubError
		if errors.As(err, &he) {
			reason = arcv1alpha1.HubRejectedReason
		}
		setNotReady(obj, arcv1alpha1.ConnectedCondition, reason, "The heartbeat failed: "+err.Error())
		return err
	}
	c.Log.V(1).Info("The hub accepted the heartbeat", "cpuMillicores", cpu, "memoryBytes", mem)
	now := metav1.NewTime(c.now())
	obj.Status.LastHeartbeatTime = &now
	obj.Status.ConnectivityStatus = arcv1alpha1.ConnectivityStatus(resp.ConnectivityStatus)
	obj.Status.Metadata = metadata.ToStatus(cluster, version.Version)
	obj.Status.HubURL = hubURL // not HubURL(): the watch or the tunnel may have moved the client since
	reconcile.Set(obj, arcv1alpha1.ConnectedCondition, metav1.ConditionTrue, arcv1alpha1.HeartbeatSucceededReason,
		"The hub accepted the last heartbeat at "+obj.Status.HubURL)
	return nil
}

// features are the features the heartbeat reports, sorted: cluster connect while the
// ArcConnection enables the tunnel, and the optional features turned on.
func (c *Connector) features(obj *arcv1alpha1.ArcConnection) []string {
	out := slices.Clone(c.Features)
	if obj.Spec.ClusterConnect.Enabled {
		out = append(out, protocol.FeatureClusterConnect)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (c *Connector) selfUsage() (cpuMillicores, memoryBytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cpu, mem, err := c.cpu.Self()
	if err != nil {
		c.Log.V(1).Info("Reading the agent's own resource use failed", "error", err.Error())
	}
	return cpu, mem
}

// succeeded records a good round: registered, connected, the hub's agent profile.
func (c *Connector) succeeded(obj *arcv1alpha1.ArcConnection, s *session) {
	c.mu.Lock()
	c.failures = 0
	c.mu.Unlock()
	if _, notAfter, ok := s.client.Certificate(); ok {
		t := metav1.NewTime(notAfter)
		obj.Status.ClientCertificateExpirationTime = &t
	}
	if p := s.agentProfile(); p != nil {
		obj.Status.DesiredAgentVersion = p.DesiredAgentVersion
		obj.Status.AvailableAgentVersion = p.AvailableAgentVersion
	}
	if c.AgentUpgrade != nil {
		if cond := c.AgentUpgrade(); cond != nil {
			reconcile.Set(obj, cond.Type, cond.Status, cond.Reason, cond.Message)
		}
	}
	if !meta.IsStatusConditionTrue(obj.Status.Conditions, arcv1alpha1.RegisteredCondition) {
		reconcile.Set(obj, arcv1alpha1.RegisteredCondition, metav1.ConditionTrue, arcv1alpha1.RegisteredReason, "The agent holds a valid client certificate")
	}
	reconcile.MarkReady(obj, arcv1alpha1.SucceededReason, "Connected to the hub")
}

// setNotReady records a failed step: its condition is False, and Ready with it, while the
// agent retries.
func setNotReady(obj *arcv1alpha1.ArcConnection, condType, reason, message string) {
	reconcile.Set(obj, condType, metav1.ConditionFalse, reason, message)
	reconcile.MarkRetrying(obj, reason, message)
}

// retry schedules the next attempt after a failure: sooner at first, never later than the
// heartbeat interval, with jitter so that many clusters do not retry in step.
func (c *Connector) retry(obj *arcv1alpha1.ArcConnection, err error) ctrl.Result {
	c.mu.Lock()
	c.failures++
	n := c.failures
	c.mu.Unlock()
	c.Log.Info("Connecting to the hub failed; will retry", "attempt", n, "error", err.Error())
	if c.ConnectFailed != nil {
		c.ConnectFailed()
	}
	delay := time.Second << min(n, 10)
	return ctrl.Result{RequeueAfter: reconcile.Jitter(min(delay, heartbeatInterval(obj)))}
}

// mirrorContext is the manager's context, which the mirror outlives reconciles with.
func (c *Connector) mirrorContext() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.baseCtx == nil {
		return context.Background()
	}
	return c.baseCtx
}

func agentKeyName(obj *arcv1alpha1.ArcConnection) string {
	if ref := obj.Spec.AgentKeySecretRef; ref != nil && ref.Name != "" {
		return ref.Name
	}
	return "kubearc-agent-key"
}

// mustRegisterAgain reports whether the hub refused the agent's certificate (expired, revoked,
// or issued by another hub), so that only a new registration (proof of possession) can bring
// the cluster back.
func mustRegisterAgain(err error) bool {
	return agentclient.IsUnauthorized(err) || agentclient.IsForbidden(err)
}
