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

// Package controllers wires the agent: Setup registers every kind from one list (each kind
// is a package under internal/agent/<kind>: reconciler, desired-state mapping, status
// source) and hands their parts to the desired-state Mirror and the status Reporter. Its
// tests run the whole agent against envtest and an in-process hub.
package controllers
