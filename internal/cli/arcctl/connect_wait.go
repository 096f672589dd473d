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
	"fmt"
	"io"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/cli/armclient"
)

// pollInterval is how often connect reads the ArcConnection while it waits.
const pollInterval = 500 * time.Millisecond

// waitConnected waits until the agent reports Ready and Connected in the ArcConnection, then
// prints the hub's view of the cluster. At the timeout it says what the ArcConnection says.
func (t *connectTarget) waitConnected(ctx context.Context, p progress, out io.Writer, agent *runningAgent, timeout time.Duration) error {
	fmt.Fprint(p.w, "Waiting for the agent to connect… ")
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var exited <-chan error
	if agent != nil {
		exited = agent.exited
	}
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		conn, err := t.arcConnection(ctx)
		if err == nil && connected(conn) {
			fmt.Fprintln(p.w, "connected")
			return t.printConnected(ctx, out)
		}
		select {
		case <-ticker.C:
		case exitErr := <-exited:
			fmt.Fprintln(p.w, "failed")
			return fmt.Errorf("the local agent (pid %d) exited: %w; the end of its log %s:\n%s",
				agent.pid, exitErr, agent.files.logFile(), agent.files.logTail(10))
		case <-ctx.Done():
			fmt.Fprintln(p.w, "timed out")
			return t.notConnected(agent, timeout)
		}
	}
}

// arcConnection reads the cluster's ArcConnection; nil when it does not exist.
func (t *connectTarget) arcConnection(ctx context.Context) (*arcv1alpha1.ArcConnection, error) {
	conn := &arcv1alpha1.ArcConnection{}
	err := t.kube.client.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, conn)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return conn, err
}

func connected(conn *arcv1alpha1.ArcConnection) bool {
	return conn != nil && meta.IsStatusConditionTrue(conn.Status.Conditions, arcv1alpha1.ReadyCondition) &&
		conn.Status.ConnectivityStatus == arcv1alpha1.ConnectivityConnected
}

// printConnected prints the hub's view of the newly connected cluster.
func (t *connectTarget) printConnected(ctx context.Context, out io.Writer) error {
	c, err := t.hub.GetCluster(ctx, t.id)
	if err != nil {
		return fmt.Errorf("reading %s from the hub: %w", t.id.Name, err)
	}
	fmt.Fprintf(out, "Connected cluster '%s' in resource group '%s' is %s: Kubernetes %s, %s, agent %s.\n",
		t.id.Name, t.id.ResourceGroup, orDash(c.Properties.ConnectivityStatus), orDash(c.Properties.KubernetesVersion),
		nodeCount(c.Properties), orDash(c.Properties.AgentVersion))
	return nil
}

func nodeCount(p armclient.ClusterProperties) string {
	switch {
	case p.TotalNodeCount == nil:
		return "nodes unknown"
	case *p.TotalNodeCount == 1:
		return "1 node"
	}
	return fmt.Sprintf("%d nodes", *p.TotalNodeCount)
}

// notConnected explains, from the ArcConnection and the agent's Deployment, why the agent
// has not reported that it is connected.
func (t *connectTarget) notConnected(agent *runningAgent, timeout time.Duration) error {
	// The command's context is spent: read with a fresh, short one.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reasons := []string{}
	conn, err := t.arcConnection(ctx)
	switch {
	case err != nil:
		reasons = append(reasons, fmt.Sprintf("reading the ArcConnection: %v", err))
	case conn == nil:
		reasons = append(reasons, "there is no ArcConnection 'default' in the cluster")
	default:
		reasons = append(reasons, describeArcConnection(conn))
	}
	if agent != nil {
		reasons = append(reasons, fmt.Sprintf("the local agent (pid %d) logs to %s", agent.pid, agent.files.logFile()))
	} else if d := t.deploymentState(ctx); d != "" {
		reasons = append(reasons, d)
	}
	return fmt.Errorf("the agent has not reported that the cluster is connected after %s: %s.\n"+
		"The cluster stays created on the hub and the agent installed; it connects when the agent runs. Run connect again to wait longer, or disconnect to undo it",
		timeout, strings.Join(reasons, "; "))
}

// describeArcConnection says what the ArcConnection's status shows.
func describeArcConnection(conn *arcv1alpha1.ArcConnection) string {
	ready := meta.FindStatusCondition(conn.Status.Conditions, arcv1alpha1.ReadyCondition)
	if ready == nil {
		return "the ArcConnection has no status yet: no agent has picked it up"
	}
	s := fmt.Sprintf("the ArcConnection is Ready=%s (%s): %s", ready.Status, ready.Reason, ready.Message)
	if conn.Status.ConnectivityStatus != "" {
		s += fmt.Sprintf(", connectivity %s", conn.Status.ConnectivityStatus)
	}
	return s
}

// deploymentState describes the agent's Deployment, which runs only where there are nodes.
func (t *connectTarget) deploymentState(ctx context.Context) string {
	d := &appsv1.Deployment{}
	err := t.kube.client.Get(ctx, client.ObjectKey{Namespace: agentNamespace, Name: agentRelease}, d)
	if err != nil {
		if apierrors.IsNotFound(err) {
			return fmt.Sprintf("there is no Deployment %s/%s", agentNamespace, agentRelease)
		}
		return ""
	}
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	s := fmt.Sprintf("the Deployment %s/%s has %d of %d replicas available", agentNamespace, agentRelease, d.Status.AvailableReplicas, want)
	for _, c := range d.Status.Conditions {
		if c.Status != "True" && c.Message != "" {
			s += fmt.Sprintf(" (%s: %s)", c.Type, c.Message)
		}
	}
	if d.Status.ObservedGeneration == 0 {
		s += ", and no controller has acted on it yet (a cluster without kube-controller-manager or nodes cannot run it: connect with --local-agent)"
	}
	return s
}
