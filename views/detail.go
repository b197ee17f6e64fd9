package views

import (
	"math"
	"strings"

	"github.com/guptarohit/asciigraph"

	"switchboard/monitor"
	"switchboard/probes"
)

// detailLines is the number of lines the detail pane shows besides its
// chart: title, failure marks, phases, outcomes, timers and probe cost.
const detailLines = 6

// DetailHeight is the height the detail pane asks for. The probe cost line
// took a row of the chart rather than one more row of the screen.
const DetailHeight = detailLines + 6

// Detail renders the selected provider in h lines: a latency chart over the
// window with failures marked under it, the phases of the last probe, the
// count of each outcome class, the policy's timers and what the probes
// cost.
func Detail(st State, w, h int, s Styles) string {
	if st.Snap == nil || h <= 0 {
		return ""
	}
	if st.Selected < 0 || st.Selected >= len(st.Snap.Providers) {
		return panelTitle("DETAIL", "", w, false, s)
	}
	p := &st.Snap.Providers[st.Selected]
	title := p.Name + " · " + p.Kind + " · " + StateLabel(p.State)
	if since := sinceLabel(p.Since, st.Now); since != "" {
		title += " " + since
	}
	if p.Cause != "" {
		title += " · " + firstLine(p.Cause)
	}
	lines := []string{panelTitle(title, "", w, false, s)}
	if ch := h - detailLines; ch >= 2 {
		lines = append(lines, chart(p.Samples, w, ch, s)...)
	}
	lines = append(lines,
		truncate(phasesLine(p), w),
		truncate(outcomesLine(p.Stats.ByClass), w),
		truncate(timersLine(st, p), w),
		truncate(costLine(p), w),
	)
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}

// chart plots the latency (ms) of the newest samples that fit, with one
// extra line under the plot marking each failure with ✗ in its column. It
// returns exactly h lines.
func chart(samples []monitor.Sample, w, h int, s Styles) []string {
	out := make([]string, 0, h)
	plotH := h - 2 // asciigraph may draw one more row than asked, and the marks line
	n := min(len(samples), max(0, w-12))
	samples = samples[len(samples)-n:]
	series := make([]float64, n)
	ok := false
	for i, smp := range samples {
		if smp.Class != probes.ClassOK {
			series[i] = math.NaN() // a gap, never a zero
			continue
		}
		series[i] = float64(smp.Latency.Microseconds()) / 1000
		ok = true
	}
	if !ok || plotH < 1 {
		out = append(out, s.Label.Render("no successful probe in the window to chart"))
	} else {
		plot := asciigraph.Plot(series,
			asciigraph.Height(plotH),
			asciigraph.LowerBound(0),
			asciigraph.YAxisValueFormatter(func(v float64) string { return fmtMillis(v) }),
		)
		out = append(out, strings.Split(plot, "\n")...)
		if len(out) > h-1 {
			out = out[:h-1]
		}
		out = append(out, failureMarks(out[0], samples, s))
	}
	for len(out) < h {
		out = append(out, "")
	}
	for i := range out {
		out[i] = truncate(out[i], w)
	}
	return out
}

// fmtMillis labels the chart's y axis.
func fmtMillis(v float64) string {
	if v >= 1000 {
		return strings.TrimSuffix(fmtRate(v/1000), ".0") + "s"
	}
	return itoa(int(v+0.5)) + "ms"
}

// failureMarks puts ✗ under each failed sample. asciigraph draws sample i
// in the column right after its y axis plus i, so the axis position of the
// first plot line anchors the marks.
func failureMarks(firstPlotLine string, samples []monitor.Sample, s Styles) string {
	axis := strings.IndexAny(firstPlotLine, "┤┼")
	if axis < 0 {
		return ""
	}
	indent := strings.Repeat(" ", max(0, visibleWidth(firstPlotLine[:axis])+1-len("fail ")))
	var b strings.Builder
	b.WriteString(indent)
	b.WriteString(s.Label.Render("fail "))
	marked := false
	for _, smp := range samples {
		if smp.Class != probes.ClassOK {
			b.WriteString(s.SparkFail.Render(sparkFail))
			marked = true
		} else {
			b.WriteByte(' ')
		}
	}
	if !marked {
		return indent + s.Label.Render("no failures in the window")
	}
	return strings.TrimRight(b.String(), " ")
}

// phasesLine breaks down the last probe.
func phasesLine(p *monitor.ProviderSnapshot) string {
	if !p.HasLast {
		return "last probe: none yet"
	}
	r := p.Last
	parts := []string{
		"last probe " + fmtClock(r.Start),
		"DNS " + fmtLatency(r.Phases.DNS),
		"connect " + fmtLatency(r.Phases.Connect),
		"TLS " + fmtLatency(r.Phases.TLS),
		"first byte " + fmtLatency(r.Phases.FirstByte),
		"total " + fmtLatency(r.Latency),
	}
	if r.TTFT > 0 {
		parts = append(parts, "first token "+fmtLatency(r.TTFT))
	}
	if !r.OK() {
		outcome := "✗ " + string(r.Class)
		if r.Status != 0 {
			outcome += " (HTTP " + itoa(r.Status) + ")"
		}
		parts = append(parts, outcome)
	}
	return strings.Join(parts, " · ")
}

// classOrder lists outcome classes in a stable, meaningful order.
var classOrder = []probes.Class{
	probes.ClassOK, probes.ClassTimeout, probes.ClassDNS, probes.ClassConnect,
	probes.ClassTLS, probes.ClassServerError, probes.ClassRateLimited,
	probes.ClassAuth, probes.ClassClientError, probes.ClassBadResponse,
}

// outcomesLine counts the window's probes per outcome class.
func outcomesLine(byClass map[probes.Class]int) string {
	parts := []string{}
	for _, c := range classOrder {
		if n := byClass[c]; n > 0 {
			parts = append(parts, string(c)+" "+itoa(n))
		}
	}
	if len(parts) == 0 {
		return "outcomes: none in the window"
	}
	return "outcomes: " + strings.Join(parts, " · ")
}

// timersLine shows the probe settings and the policy's deadlines.
func timersLine(st State, p *monitor.ProviderSnapshot) string {
	dash := func(s string) string {
		if s == "" {
			return none
		}
		return s
	}
	return strings.Join([]string{
		"timeout " + fmtSetting(p.Timeout),
		"interval " + fmtSetting(p.Interval),
		"hold-down " + dash(until(p.HolddownUntil, st.Now)),
		"drain " + dash(until(p.DrainedUntil, st.Now)),
		"rate-limit " + dash(until(p.RateLimitedUntil, st.Now)),
	}, " · ")
}
