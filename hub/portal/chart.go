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

package portal

import (
	"bytes"
	"fmt"
	"html/template"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// Chart geometry, in SVG user units.
const (
	chartWidth, chartHeight = 600.0, 120.0
	chartPad                = 4.0
)

// usageChart draws the agent's CPU and memory over time as two inline SVG line charts, with a
// tick per heartbeat sample; the numbers are also in a table for screen readers.
func usageChart(samples []store.UsageSample) template.HTML {
	if len(samples) == 0 {
		return template.HTML(`<p id="usage-empty">No usage reported in the last 24 hours.</p>`)
	}
	var b bytes.Buffer
	cpu := series(samples, func(s store.UsageSample) float64 { return float64(s.CPUMillicores) })
	mem := series(samples, func(s store.UsageSample) float64 { return float64(s.MemoryBytes) / (1 << 20) })
	writeChart(&b, "usage-cpu", "Agent CPU (millicores)", samples, cpu)
	writeChart(&b, "usage-memory", "Agent memory (MiB)", samples, mem)
	return template.HTML(b.String()) //nolint:gosec // built from numbers and constant text only
}

func series(samples []store.UsageSample, value func(store.UsageSample) float64) []float64 {
	out := make([]float64, len(samples))
	for i, s := range samples {
		out[i] = value(s)
	}
	return out
}

// writeChart writes one chart: a polyline of values over the samples' times, its maximum as
// text, and heartbeat ticks along the bottom.
func writeChart(b *bytes.Buffer, id, title string, samples []store.UsageSample, values []float64) {
	first, last := samples[0].Time, samples[len(samples)-1].Time
	span := last.Sub(first)
	maxV := 1.0
	for _, v := range values {
		maxV = max(maxV, v)
	}
	x := func(t time.Time) float64 {
		if span <= 0 {
			return chartWidth / 2
		}
		return chartPad + (chartWidth-2*chartPad)*float64(t.Sub(first))/float64(span)
	}
	y := func(v float64) float64 { return chartHeight - chartPad - (chartHeight-3*chartPad)*v/maxV }
	fmt.Fprintf(b, `<figure class="chart"><svg id="%s" role="img" aria-labelledby="%s-title" viewBox="0 0 %.0f %.0f" width="100%%" preserveAspectRatio="none">`,
		id, id, chartWidth, chartHeight)
	fmt.Fprintf(b, `<title id="%s-title">%s, %d samples, peak %.0f</title><polyline class="line" points="`, id, title, len(values), maxV)
	for i, v := range values {
		fmt.Fprintf(b, "%.1f,%.1f ", x(samples[i].Time), y(v))
	}
	b.WriteString(`"/>`)
	for _, s := range samples {
		fmt.Fprintf(b, `<line class="beat" x1="%.1f" x2="%.1f" y1="%.0f" y2="%.0f"/>`, x(s.Time), x(s.Time), chartHeight-chartPad, chartHeight)
	}
	fmt.Fprintf(b, `</svg><figcaption>%s: peak %.0f, from %s to %s UTC</figcaption></figure>`, title, maxV,
		first.UTC().Format("15:04"), last.UTC().Format("15:04"))
}
