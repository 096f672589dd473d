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

package store

import (
	"errors"
	"maps"
)

// ErrConflict: a write's precondition failed because the resource (or one the write was
// computed from) changed since it was read, or exists where it must not. Nothing was
// written. The caller reads again and decides anew.
var ErrConflict = errors.New("changed concurrently")

// Existence is what a Precondition requires of a resource's existence.
type Existence int

// Existences a Precondition can require.
const (
	// AnyExistence places no condition on existence.
	AnyExistence Existence = iota
	// MustExist: the resource exists (ErrNotFound otherwise).
	MustExist
	// MustNotExist: the resource does not exist (ErrConflict otherwise): a create.
	MustNotExist
)

// Precondition is what a write requires of the stored resources it was computed from,
// checked in the write's own transaction: if it fails, nothing is written and the error is
// a *ConditionError wrapping ErrConflict or ErrNotFound. This is the compare-and-swap that
// keeps a read-modify-write from bringing back a resource deleted meanwhile.
type Precondition struct {
	// Exists is what the written resource's existence must be.
	Exists Existence
	// Version, when set, is the version the written resource must have: it must exist
	// (ErrNotFound) and be unchanged since it was read (ErrConflict).
	Version string
	// Related are other resources the write was computed from (a nested resource's
	// cluster), by ID, each with the version it was read at and must still have.
	Related map[string]string
	// Children, when set, must be exactly the written resource's children of some types.
	Children *Children
}

// Children is a precondition on the set of a resource's children: those of Types must be
// exactly the IDs of Versions, at those versions. A write derived from all of a resource's
// children (re-sealing their secrets for the cluster's new agent key) uses it, so that a
// child created, changed or deleted meanwhile makes it fail rather than go stale.
type Children struct {
	Types    []string
	Versions map[string]string
}

// Always is no precondition: the write applies whatever is stored. Only for records the
// hub alone writes once (operations), never for a read-modify-write.
func Always() Precondition { return Precondition{} }

// IfAbsent requires that the resource does not exist: a create.
func IfAbsent() Precondition { return Precondition{Exists: MustNotExist} }

// IfPresent requires that the resource exists, whatever its version.
func IfPresent() Precondition { return Precondition{Exists: MustExist} }

// IfVersion requires that the resource exists at version v.
func IfVersion(v string) Precondition { return Precondition{Exists: MustExist, Version: v} }

// AsRead requires that the resource is as it was read: at version v, or absent when v is
// empty (it was not there).
func AsRead(v string) Precondition {
	if v == "" {
		return IfAbsent()
	}
	return IfVersion(v)
}

// With returns p that also requires resource id to be at version v.
func (p Precondition) With(id, v string) Precondition {
	related := maps.Clone(p.Related)
	if related == nil {
		related = map[string]string{}
	}
	related[id] = v
	p.Related = related
	return p
}

// ConditionError is a failed precondition: the resource ID is missing (Err is ErrNotFound)
// or not as required (ErrConflict).
type ConditionError struct {
	ID  string
	Err error
}

func (e *ConditionError) Error() string { return "resource " + e.ID + ": " + e.Err.Error() }

// Unwrap returns ErrNotFound or ErrConflict.
func (e *ConditionError) Unwrap() error { return e.Err }

// FailedOn returns the ID of the resource whose precondition err reports; false when err
// is not a failed precondition.
func FailedOn(err error) (string, bool) {
	var ce *ConditionError
	if errors.As(err, &ce) {
		return ce.ID, true
	}
	return "", false
}

// MaxRaceAttempts bounds how often a read-modify-write whose write lost a race to another
// writer is tried again on what that writer stored.
const MaxRaceAttempts = 5

// ErrRacesLost says a read-modify-write lost MaxRaceAttempts races in a row.
var ErrRacesLost = errors.New("the write lost too many races to other writers")

// RetryRaces runs write, a read-modify-write whose store write is conditional, again while
// it loses races (a failed precondition), at most MaxRaceAttempts times; then ErrRacesLost.
func RetryRaces(write func() error) error {
	for range MaxRaceAttempts {
		if err := write(); !LostRace(err) {
			return err
		}
	}
	return ErrRacesLost
}

// LostRace reports whether err is a conditional write that lost a race: its precondition
// failed.
func LostRace(err error) bool {
	_, lost := FailedOn(err)
	return lost
}
