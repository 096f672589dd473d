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
	"io"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// nestedKind is what arcctl needs to know to show, delete and follow one kind of resource
// nested under a cluster (extensions, Flux configurations) while the cluster's agent works on it.
type nestedKind[T any] struct {
	noun  string // one resource in messages, e.g. "extension"
	title string // noun at the start of a sentence, e.g. "Extension"
	nouns string // several resources in messages, e.g. "extensions"
	// get reads one resource, e.g. (*armclient.Client).GetExtension.
	get  func(hub *armclient.Client, ctx context.Context, cluster armid.ClusterID, name string) (*T, error)
	list func(ctx context.Context, hub *armclient.Client, cluster armid.ClusterID) ([]*T, error)
	// details writes one resource for people; table writes several, one a row.
	details func(w io.Writer, obj *T) error
	table   func(w io.Writer, objs []*T) error
	// delete asks the hub to delete a resource and says whether it existed.
	delete func(hub *armclient.Client, ctx context.Context, cluster armid.ClusterID, name string, force bool) (bool, error)
	// removing is what the agent does to delete a resource, e.g. "uninstall", and removes
	// how a message says it, e.g. "uninstalls it".
	removing, removes string
	// forceIsDone makes a forced delete end without waiting for the hub to forget it.
	forceIsDone bool
	state       func(*T) armkc.ProvisioningState
	// line is the state and messages printed while waiting.
	line func(*T) string
	// failure is what the agent said about a failed resource.
	failure func(*T) string
	// done is the line printed when the agent provisioned the resource.
	done func(name string, obj *T) string
	// timeoutDoing, when set, is what a timeout says the agent did not do, instead of the
	// verb the wait was given.
	timeoutDoing string
	// failDeleting makes a Failed state end a wait for deletion, with a hint to --force.
	failDeleting bool
	// timeoutFlag is the flag of how long to wait for the agent: "timeout", or
	// "wait-timeout" where --timeout means something else.
	timeoutFlag string
	// showHint is the command that shows a resource, for messages.
	showHint func(cluster armid.ClusterID, name string) string
}
