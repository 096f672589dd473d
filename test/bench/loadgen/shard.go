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

package loadgen

import "errors"

// A run too large for one generator process's open files is split over several: each runs
// its share of the agents (Config.Agents), waits at Config.Ready so that all start the
// warmup together, and all but one keep their raw samples (Config.KeepRaw) for that one to
// Merge. Only one of them probes propagation and disrupts the hub; it tells the others just
// before, and they mark the moment (Config.Disrupted), so that their agents' breaks count as
// failover.

// Raw are the samples behind a report's summaries.
type Raw struct {
	Heartbeats      *Samples `json:"heartbeats"`
	WatchReconnect  *Samples `json:"watchReconnect"`
	TunnelReconnect *Samples `json:"tunnelReconnect"`
}

// Merge adds the report of another generator process of the same run to r: its agents,
// samples, open streams, breaks and errors. The hub's readings and the propagation probes
// stay r's; the generators' CPU and memory add up.
func (r *Report) Merge(o *Report) error {
	if o.Raw == nil || r.samples == nil {
		return errors.New("merging reports: a report without its samples")
	}
	r.Config.Agents += o.Config.Agents // the probes stay r's
	r.Setup, r.Connect = max(r.Setup, o.Setup), max(r.Connect, o.Connect)
	r.samples.Heartbeats.AddAll(o.Raw.Heartbeats.All())
	r.samples.WatchReconnect.AddAll(o.Raw.WatchReconnect.All())
	r.samples.TunnelReconnect.AddAll(o.Raw.TunnelReconnect.All())
	r.summarize()
	// The sum of each process's fewest open streams is at most the fewest in all: a run
	// with every stream open all along is still one.
	r.WatchStreamsOpen += o.WatchStreamsOpen
	r.WatchStreamsOpenMin += o.WatchStreamsOpenMin
	r.TunnelsOpen += o.TunnelsOpen
	r.TunnelsOpenMin += o.TunnelsOpenMin
	r.FailoverBreaks += o.FailoverBreaks
	r.Errors = r.Errors.plus(o.Errors)
	r.Generator = r.Generator.plus(o.Generator)
	return nil
}

func (e Errors) plus(o Errors) Errors {
	return Errors{
		HeartbeatStatus: e.HeartbeatStatus + o.HeartbeatStatus, HeartbeatTransport: e.HeartbeatTransport + o.HeartbeatTransport,
		Watch: e.Watch + o.Watch, Tunnel: e.Tunnel + o.Tunnel, NotHTTP2: e.NotHTTP2 + o.NotHTTP2, Propagation: e.Propagation + o.Propagation,
	}
}

// plus adds the usage of another process, as of one process made of both.
func (u Usage) plus(o Usage) Usage {
	cpu := u.CPU + o.CPU
	return Usage{CPU: cpu, CPUPercent: u.CPUPercent + o.CPUPercent, RSS: u.RSS + o.RSS, PeakRSS: u.PeakRSS + o.PeakRSS, HWM: u.HWM + o.HWM}
}

// keepRaw puts r's samples into its JSON.
func (r *Report) keepRaw() { r.Raw = r.samples }
