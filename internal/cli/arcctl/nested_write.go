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

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// nestedWrite is a PUT or PATCH of one nested resource, which the cluster's agent then
// provisions.
type nestedWrite[T any] struct {
	kind    nestedKind[T]
	client  *armclient.Client
	cluster armid.ClusterID
	name    string
	wait    waitFlags
	// verb says what the write does, e.g. "Creating", and doing what the agent then does,
	// e.g. "install".
	verb, doing string
	// hide keeps the secrets of the write out of what is printed.
	hide redactor
	// progress is where the steps and the agent's progress go.
	progress io.Writer
}

// writeAndShow resolves ref's cluster, runs w with send, which sends the write to that
// cluster, and prints the resource as it ends.
func writeAndShow[T any](k *extensionCommands, cmd *cobra.Command, w nestedWrite[T], ref extensionRef,
	send func(ctx context.Context, client *armclient.Client, cluster armid.ClusterID) (*T, error)) error {
	client, cluster, err := k.resolve(ref)
	if err != nil {
		return err
	}
	w.client, w.cluster, w.name, w.progress = client, cluster, ref.name, k.streams.Err
	obj, err := w.run(cmd.Context(), func(ctx context.Context) (*T, error) { return send(ctx, client, cluster) })
	if err != nil {
		return err
	}
	return k.output.print(cmd.OutOrStdout(), obj, func(out io.Writer) error { return w.kind.details(out, obj) })
}

// run sends the write, saying it is verb, then, unless told not to wait, follows the agent
// until it did doing. Without waiting, an answer without a body (202) is read again.
func (w nestedWrite[T]) run(ctx context.Context, send func(ctx context.Context) (*T, error)) (*T, error) {
	p := progress{w: w.progress}
	var obj *T
	if err := p.step(fmt.Sprintf("%s %s '%s' on the hub", w.verb, w.kind.noun, w.name), func() (string, error) {
		var err error
		obj, err = send(ctx)
		return "", err
	}); err != nil {
		return nil, w.hide.error(fmt.Errorf("%s %s '%s': %w", strings.ToLower(w.verb), w.kind.noun, w.name, err))
	}
	if !w.wait.noWait {
		watch := &nestedWatch[T]{kind: w.kind, hub: w.client, cluster: w.cluster, name: w.name, w: w.progress, hide: w.hide}
		return watch.untilProvisioned(ctx, w.wait.timeout, w.doing)
	}
	if obj != nil {
		return obj, nil
	}
	obj, err := w.kind.get(w.client, ctx, w.cluster, w.name)
	if err != nil {
		return nil, w.hide.error(fmt.Errorf("reading %s '%s': %w", w.kind.noun, w.name, err))
	}
	return obj, nil
}
