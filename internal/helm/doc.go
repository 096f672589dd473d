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

// Package helm installs, upgrades, rolls back and uninstalls Helm releases with the Helm SDK
// (v4), fetches charts from HTTP and OCI repositories into a cache, and turns dotted
// settings into values. It never waits for workloads to become ready (only for hooks): the
// callers report what the API server accepted, and envtest has no kubelet.
//
// Releases are stored as Secrets in the release namespace, as the helm CLI stores them, so
// `helm list -A` shows what the agent and arcctl installed.
//
// arcctl and kubearc-installer link this package; the agent does not: it reaches Helm through
// installer.Process, which runs kubearc-installer (serving with Local) once per action.
package helm
