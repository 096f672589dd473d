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

package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kubearc/kubearc/hub/connectivity"
)

// metrics are the hub's Prometheus metrics, on a registry of their own.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
}

// newMetrics registers the hub's metrics; perCluster adds the per-cluster agent usage series
// (Config.MetricsPerCluster).
func newMetrics(tracker *connectivity.Tracker, perCluster bool) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kubearc_hub_http_request_duration_seconds",
			Help:    "Duration of the hub's HTTP requests by API, method and status code.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"api", "method", "code"}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests,
		clusterCollector{tracker: tracker},
	)
	if perCluster {
		m.registry.MustRegister(agentUsageCollector{tracker: tracker})
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// instrument records the duration of every request of one API. A watch stream counts once,
// when it ends, with the whole time it was open.
func (m *metrics) instrument(api string, next http.Handler) http.Handler {
	return promhttp.InstrumentHandlerDuration(m.requests.MustCurryWith(prometheus.Labels{"api": api}), next)
}

var clustersDesc = prometheus.NewDesc("kubearc_hub_clusters",
	"Connected clusters known to the hub, by connectivity status.", []string{"status"}, nil)

// clusterCollector reports the tracker's status counts at scrape time.
type clusterCollector struct{ tracker *connectivity.Tracker }

func (c clusterCollector) Describe(ch chan<- *prometheus.Desc) { ch <- clustersDesc }

func (c clusterCollector) Collect(ch chan<- prometheus.Metric) {
	counts := c.tracker.Counts()
	for _, s := range []connectivity.Status{connectivity.Connecting, connectivity.Connected, connectivity.Offline, connectivity.Expired} {
		ch <- prometheus.MustNewConstMetric(clustersDesc, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
}

// countTunnels reports the number of open cluster connect tunnels at scrape time.
func (m *metrics) countTunnels(open func() int) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "kubearc_hub_tunnels",
		Help: "Cluster connect tunnels open to this hub.",
	}, func() float64 { return float64(open()) }))
}

// countAdmission reports, at scrape time, the connections that have not authenticated yet
// and how many were closed, displaced or refused, to keep them within their limits.
func (m *metrics) countAdmission(counts func() (int, int64)) {
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kubearc_hub_unauthenticated_connections",
			Help: "Connections to this hub that have not authenticated yet.",
		}, func() float64 { n, _ := counts(); return float64(n) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "kubearc_hub_unauthenticated_connections_closed_total",
			Help: "Unauthenticated connections closed for their limits: displaced past --max-unauthenticated-conns, or refused.",
		}, func() float64 { _, n := counts(); return float64(n) }),
	)
}
