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
	"io"
	"net/http"
	"time"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// nestedWatch follows one nested resource on the hub while the cluster's agent works on it,
// printing each change of its state to w.
type nestedWatch[T any] struct {
	kind    nestedKind[T]
	hub     *armclient.Client
	cluster armid.ClusterID
	name    string
	w       io.Writer
	hide    redactor
	last    string
}

// untilProvisioned waits until the agent reports the resource Succeeded or Failed; doing is
// what the agent does, e.g. "install". Failed is an error carrying what the agent said.
func (x *nestedWatch[T]) untilProvisioned(ctx context.Context, timeout time.Duration, doing string) (*T, error) {
	fmt.Fprintf(x.w, "Waiting for the agent to %s %s '%s'…\n", doing, x.kind.noun, x.name)
	var obj *T
	err := wait.PollUntilContextTimeout(ctx, pollInterval, timeout, true, func(ctx context.Context) (bool, error) {
		o, err := x.kind.get(x.hub, ctx, x.cluster, x.name)
		if err != nil {
			return false, err
		}
		obj = o
		x.report(o)
		s := x.kind.state(o)
		return s == armkc.ProvisioningStateSucceeded || s == armkc.ProvisioningStateFailed, nil
	})
	switch {
	case ctx.Err() != nil:
		return nil, x.stopped(ctx, obj)
	case wait.Interrupted(err):
		return nil, x.timedOut(obj, timeout, doing)
	case err != nil:
		return nil, x.hide.error(fmt.Errorf("reading %s '%s': %w", x.kind.noun, x.name, err))
	case x.kind.state(obj) == armkc.ProvisioningStateFailed:
		return obj, x.hide.error(fmt.Errorf("the agent could not %s %s '%s': %s", doing, x.kind.noun, x.name, x.kind.failure(obj)))
	}
	fmt.Fprintln(x.w, x.kind.done(x.name, obj))
	return obj, nil
}

// untilDeleted waits until the hub no longer has the resource; doing is what the agent does,
// e.g. "uninstall".
func (x *nestedWatch[T]) untilDeleted(ctx context.Context, timeout time.Duration, doing string) error {
	fmt.Fprintf(x.w, "Waiting for the agent to %s %s '%s'…\n", doing, x.kind.noun, x.name)
	var obj *T
	err := wait.PollUntilContextTimeout(ctx, pollInterval, timeout, true, func(ctx context.Context) (bool, error) {
		o, err := x.kind.get(x.hub, ctx, x.cluster, x.name)
		if armclient.HasStatus(err, http.StatusNotFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		obj = o
		x.report(o)
		if x.kind.failDeleting && x.kind.state(o) == armkc.ProvisioningStateFailed {
			return false, fmt.Errorf("the agent could not %s %s '%s': %s; run delete again with --force to remove it from the hub anyway",
				doing, x.kind.noun, x.name, x.kind.failure(o))
		}
		return false, nil
	})
	switch {
	case ctx.Err() != nil:
		return x.stopped(ctx, obj)
	case wait.Interrupted(err):
		return x.timedOut(obj, timeout, doing)
	}
	return x.hide.error(err)
}

// report prints the resource's state when it changed.
func (x *nestedWatch[T]) report(obj *T) {
	line := x.kind.line(obj)
	if line == "" || line == x.last {
		return
	}
	x.last = line
	fmt.Fprintf(x.w, "  %s\n", x.hide.text(line))
}

// stateOf is the resource's provisioning state, or "not reported".
func (x *nestedWatch[T]) stateOf(obj *T) string {
	return firstNonEmpty(string(x.kind.state(obj)), "not reported")
}

// stopped says that arcctl stopped waiting because it was interrupted.
func (x *nestedWatch[T]) stopped(ctx context.Context, obj *T) error {
	return fmt.Errorf("stopped waiting for %s '%s' (provisioning state %s); the hub keeps the request: %w",
		x.kind.noun, x.name, x.stateOf(obj), ctx.Err())
}

// timedOut says what the resource and its cluster show after waiting in vain.
func (x *nestedWatch[T]) timedOut(obj *T, timeout time.Duration, doing string) error {
	doing = firstNonEmpty(x.kind.timeoutDoing, doing)
	msg := fmt.Sprintf("the agent did not %s %s '%s' within %s: its provisioning state is %s", doing, x.kind.noun, x.name, timeout, x.stateOf(obj))
	// The command's context may be spent: ask about the cluster with a fresh, short one.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c, err := x.hub.GetCluster(ctx, x.cluster); err == nil && c.Properties.ConnectivityStatus != "Connected" {
		msg += fmt.Sprintf(", and the cluster's agent is %s (last seen %s)", orDash(c.Properties.ConnectivityStatus),
			orDash(timestamp(c.Properties.LastConnectivityTime)))
	}
	return x.hide.error(errors.New(msg + ".\nThe hub keeps the request and the agent carries it out when it can; follow it with " +
		x.kind.showHint(x.cluster, x.name)))
}
