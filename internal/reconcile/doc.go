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

// Package reconcile is the machinery every agent kind's reconciler shares:
//
//   - a Patcher per writer that knows which conditions the writer owns, so that its status
//     patch never erases a condition another writer (the desired-state mirror, say) set in
//     between;
//   - kstatus-style condition helpers: Ready always, Reconciling and Stalled only while true;
//   - error types that say how a reconcile ends: Stall (terminal, no requeue, the generation
//     counts as handled), Wait (requeue later, no error) and Retry (transient, with the reason
//     shown in Ready);
//   - Run, which runs a reconcile as an ordered list of small steps and turns their errors
//     into conditions and a ctrl.Result;
//   - NewBuilder and SecretUsers, the watches every kind has: its objects' spec changes and
//     the Secrets of the agent's namespace they use.
//
// A reconciler reads its object, creates a Patcher, defers Patcher.Patch, handles deletion
// and its finalizer, then calls Run with its steps.
package reconcile
