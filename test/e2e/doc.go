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

// Package e2e drives kubearc's binaries exactly as the quickstart and a user do: a local
// control plane (bin/localcluster), bin/kubearc-hub serve, and bin/arcctl with the agent
// (bin/kubearc-agent) started by 'arcctl connectedk8s connect --local-agent'. Run it with
// `make e2e`, which builds the binaries first.
package e2e
