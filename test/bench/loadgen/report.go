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

import (
	"fmt"
	"io"
	"time"
)

// Report is the outcome of a run.
type Report struct {
	Config RunConfig `json:"config"`
	// Setup is the time to create and register every cluster; not part of the measurement.
	Setup time.Duration `json:"setupNs"`
	// Connect is the time until every agent had its watch stream open.
	Connect time.Duration `json:"connectNs"`
	// Window is the measurement window's actual length.
	Window time.Duration `json:"windowNs"`
	// Heartbeats are the client-side round trips of the heartbeats begun in the window.
	Heartbeats          Summary `json:"heartbeats"`
	HeartbeatsPerSecond float64 `json:"heartbeatsPerSecond"`
	// HubHeartbeats is the same window in the hub's own request-duration histogram.
	HubHeartbeats BucketQuantiles `json:"hubHeartbeats"`
	// Propagation runs from sending the PATCH to the event's arrival on the agent's stream.
	Propagation Summary `json:"propagation"`
	// PropagationAfterAnswer runs from the PATCH's answer to the event; EventFirst counts
	// events that arrived before the answer (counted as zero).
	PropagationAfterAnswer Summary `json:"propagationAfterAnswer"`
	EventFirst             int64   `json:"eventFirst"`
	// WatchStreamsOpen is the number of open watch streams at the end of the window, and
	// WatchStreamsOpenMin the fewest seen by the once-a-second sampler during it.
	WatchStreamsOpen    int64 `json:"watchStreamsOpen"`
	WatchStreamsOpenMin int64 `json:"watchStreamsOpenMin"`
	// TunnelsOpen and TunnelsOpenMin are the same for cluster-connect tunnels.
	TunnelsOpen    int64 `json:"tunnelsOpen"`
	TunnelsOpenMin int64 `json:"tunnelsOpenMin"`
	// Disrupted says Config.Disrupt ran; FailoverBreaks are the connections and calls it
	// broke, and WatchReconnect and TunnelReconnect run from it to each reopened watch
	// stream and tunnel.
	Disrupted       bool    `json:"disrupted"`
	FailoverBreaks  int64   `json:"failoverBreaks"`
	WatchReconnect  Summary `json:"watchReconnect"`
	TunnelReconnect Summary `json:"tunnelReconnect"`
	// WritesChecked are the acknowledged PATCHes read back after the window; WritesLost
	// those whose value was gone.
	WritesChecked int `json:"writesChecked"`
	WritesLost    int `json:"writesLost"`
	// Hub is nil when the hub's process is unknown.
	Hub           *Usage  `json:"hub,omitempty"`
	HubGoroutines float64 `json:"hubGoroutines"`
	Generator     Usage   `json:"generator"`
	Errors        Errors  `json:"errors"`
	// Raw holds the samples behind the summaries, when Config.KeepRaw asked for them: the
	// report of one of several generator processes, for Merge.
	Raw *Raw `json:"raw,omitempty"`

	samples *Raw
}

// WriteHeartbeatsCSV writes every measured heartbeat's start and round trip (see
// Samples.WriteCSV), to line slow beats up with the hub's periodic work.
func (r *Report) WriteHeartbeatsCSV(w io.Writer) error {
	if r.samples == nil {
		return nil
	}
	return r.samples.Heartbeats.WriteCSV(w)
}

// RunConfig is the part of Config a report shows.
type RunConfig struct {
	Agents             int           `json:"agents"`
	Tunnels            bool          `json:"tunnels"`
	Interval           time.Duration `json:"intervalNs"`
	Warmup             time.Duration `json:"warmupNs"`
	Duration           time.Duration `json:"durationNs"`
	PropagationSamples int           `json:"propagationSamples"`
	// Probes are the propagation probes the run sends: PropagationSamples, at most one per
	// agent.
	Probes int `json:"probes"`
}

func (cfg Config) summary() RunConfig {
	return RunConfig{Agents: cfg.Agents, Tunnels: cfg.Tunnels, Interval: cfg.Interval, Warmup: cfg.Warmup, Duration: cfg.Duration,
		PropagationSamples: cfg.PropagationSamples, Probes: min(cfg.PropagationSamples, cfg.Agents)}
}

// Usage is a process's CPU and memory over the window.
type Usage struct {
	// CPU is user+system time spent in the window; CPUPercent is that as a share of one
	// core (the machine's cores give the ceiling: 200% on two).
	CPU        time.Duration `json:"cpuNs"`
	CPUPercent float64       `json:"cpuPercentOfOneCore"`
	// RSS is VmRSS at the window's end, PeakRSS the highest once-a-second VmRSS during it,
	// HWM VmHWM (the peak since the process started, setup included).
	RSS     int64 `json:"rssBytes"`
	PeakRSS int64 `json:"peakRssBytes"`
	HWM     int64 `json:"hwmBytes"`
}

func usage(before, after ProcSample, window time.Duration, peak int64) Usage {
	cpu := after.CPU - before.CPU
	return Usage{CPU: cpu, CPUPercent: 100 * cpu.Seconds() / window.Seconds(), RSS: after.RSS, PeakRSS: max(peak, after.RSS), HWM: after.HWM}
}

func (r *Report) fillProcesses(before, after snapshot, p *peaks) {
	window := after.at.Sub(before.at)
	if before.hub != (ProcSample{}) {
		u := usage(before.hub, after.hub, window, p.hubRSS)
		r.Hub = &u
	}
	r.Generator = usage(before.self, after.self, window, p.selfRSS)
	r.HubHeartbeats = heartbeatQuantiles(before.metrics, after.metrics)
	r.HubGoroutines = after.metrics.goroutines
	r.WatchStreamsOpenMin = p.minWatchesOpen
	r.TunnelsOpenMin = p.minTunnelsOpen
}

func (r *Report) fillLoad(l *load) {
	r.samples = &Raw{Heartbeats: &l.heartbeats, WatchReconnect: &l.watchReconnects, TunnelReconnect: &l.tunnelReconnects}
	r.summarize()
	r.Propagation = l.propagation.sinceRequest.Summary()
	r.PropagationAfterAnswer = l.propagation.sinceResponse.Summary()
	r.EventFirst = l.propagation.eventFirst.Load()
	r.WatchStreamsOpen = l.watchesOpen.Load()
	r.TunnelsOpen = l.tunnelsOpen.Load()
	r.Disrupted = l.disruptedAt.Load() != 0
	r.FailoverBreaks = l.failoverBreaks.Load()
	r.Errors = l.errors.snapshot()
}

// summarize sums up the samples.
func (r *Report) summarize() {
	r.Heartbeats = r.samples.Heartbeats.Summary()
	if r.Window > 0 {
		r.HeartbeatsPerSecond = float64(r.Heartbeats.Count) / r.Window.Seconds()
	}
	r.WatchReconnect = r.samples.WatchReconnect.Summary()
	r.TunnelReconnect = r.samples.TunnelReconnect.Summary()
}

// Valid says whether the run counts: no errors, no acknowledged write lost, every watch
// stream (and tunnel) open all along, or, after a disruption, all open again at the end, and
// every propagation probe answered (a probe whose PATCH got no answer in a disruption is not
// one: it was never acknowledged).
func (r *Report) Valid() bool {
	n := int64(r.Config.Agents)
	watches, tunnels := r.WatchStreamsOpenMin, r.TunnelsOpenMin
	if r.Disrupted {
		watches, tunnels = r.WatchStreamsOpen, r.TunnelsOpen
	}
	probes := r.Config.Probes
	return r.Errors.Total() == 0 && r.WritesLost == 0 && watches == n && (!r.Config.Tunnels || tunnels == n) &&
		r.Heartbeats.Count > 0 && (r.Propagation.Count == probes || r.Disrupted && r.Propagation.Count > 0)
}

// Print writes the report for a person.
func (r *Report) Print(w io.Writer) {
	c := r.Config
	pf := func(format string, args ...any) { _, _ = fmt.Fprintf(w, format+"\n", args...) }
	pf("agents            %d, heartbeat every %s, warmup %s, window %s", c.Agents, c.Interval, c.Warmup, r.Window.Round(time.Millisecond))
	pf("setup             %s (create + register every cluster; not measured)", r.Setup.Round(time.Millisecond))
	pf("connect           %s (TLS + desired state + first watch line, every agent)", r.Connect.Round(time.Millisecond))
	pf("heartbeats/s      %.1f (expected %.1f), %d in the window", r.HeartbeatsPerSecond,
		float64(c.Agents)/c.Interval.Seconds(), r.Heartbeats.Count)
	pf("heartbeat RTT     %s (client side)", r.Heartbeats)
	h := r.HubHeartbeats
	pf("  hub histogram   p50 %s  p99 %s  max %s (n=%d, hub side, bucket bounds)", h.P50, h.P99, h.Max, h.Count)
	pf("propagation       %s (PATCH sent -> watch event at the agent)", r.Propagation)
	pf("  after answer    %s (PATCH answered -> event; %d events came before the answer)", r.PropagationAfterAnswer, r.EventFirst)
	pf("watch streams     %d open at the end, never fewer than %d", r.WatchStreamsOpen, r.WatchStreamsOpenMin)
	if c.Tunnels {
		pf("tunnels           %d open at the end, never fewer than %d", r.TunnelsOpen, r.TunnelsOpenMin)
	}
	if r.Disrupted {
		pf("failover          %d connections or calls broken by the disruption (not errors)", r.FailoverBreaks)
		pf("  watch back      %s (disruption -> watch stream open again)", r.WatchReconnect)
		pf("  tunnel back     %s (disruption -> tunnel open again)", r.TunnelReconnect)
	}
	pf("writes            %d acknowledged PATCHes read back, %d lost", r.WritesChecked, r.WritesLost)
	if r.Hub != nil {
		pf("hub               %s; %.0f goroutines", r.Hub, r.HubGoroutines)
	}
	pf("generator         %s", r.Generator)
	e := r.Errors
	pf("errors            %d (heartbeat status %d, heartbeat transport %d, watch %d, tunnel %d, not HTTP/2 %d, propagation %d)",
		e.Total(), e.HeartbeatStatus, e.HeartbeatTransport, e.Watch, e.Tunnel, e.NotHTTP2, e.Propagation)
	if r.Valid() {
		pf("run               VALID")
	} else {
		pf("run               INVALID (errors, a lost write, a closed watch stream or tunnel, or a missing propagation sample)")
	}
}

// String formats the distribution on one line.
func (s Summary) String() string {
	if s.Count == 0 {
		return "no samples"
	}
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s (n=%d)", ms(s.P50), ms(s.P90), ms(s.P99), ms(s.Max), s.Count)
}

// String formats the usage on one line.
func (u Usage) String() string {
	return fmt.Sprintf("CPU %.1fs = %.1f%% of one core; RSS %s at the end, %s peak in the window, VmHWM %s",
		u.CPU.Seconds(), u.CPUPercent, mib(u.RSS), mib(u.PeakRSS), mib(u.HWM))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
