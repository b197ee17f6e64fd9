package views

import (
	"math"
	"strings"
	"time"

	"github.com/guptarohit/asciigraph"

	"switchboard/monitor"
)

// chartMin is the fewest lines the overview chart is drawn in (title,
// legend and a plot of a few rows); with less room it is left out.
const chartMin = 8

// Chart renders the probe latency of every enabled provider on one time
// axis, ending at the snapshot's time, in exactly h lines: a title, the plot (one line per provider, in
// the colour its row's ● has in the table, the y axis in ms and s on a log
// scale), one
// row per provider whose probes failed in view with ✗ in each failed
// column, and a legend naming each line with its last probe.
func Chart(st State, w, h int, s Styles) string {
	if st.Snap == nil || h <= 0 {
		return ""
	}
	provs, idx, left := charted(st.Snap)
	labelW := chartLabelWidth(provs)
	cols := max(2, w-labelW-3)
	axis := newTimeAxis(provs, st.Snap.At, st.Snap.Window, cols)
	all := make([]series, len(provs))
	failing := 0
	for i, p := range provs {
		all[i] = buildSeries(p, idx[i], axis)
		if all[i].fails > 0 {
			failing++
		}
	}
	title := "LATENCY (log scale) · last " + fmtSpan(axis.span()) + ", " + fmtSetting(axis.step) + " a column"
	lines := []string{panelTitle(title, "✗ failed probe", w, false, s)}
	// One failure row per provider that failed, but the plot keeps at
	// least two thirds of the lines between title and legend.
	marks := min(failing, (h-2)/3)
	plotLines := h - 2 - marks
	switch {
	case plotLines < 2 || !anyValue(all):
		lines = append(lines, s.Label.Render("no successful probe in view to chart"))
	default:
		lines = append(lines, plot(all, labelW, plotLines, s)...)
	}
	for _, sr := range all {
		if len(lines) >= h-1 || marks == 0 {
			break
		}
		if sr.fails > 0 {
			lines = append(lines, failRow(sr, labelW, s))
			marks--
		}
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	lines = append(lines, legend(provs, idx, left, s))
	// The plot and the failure rows are built to fit; the title is fitted
	// by panelTitle. Measuring 30 lines of box drawing costs more than the
	// rest of the frame, so only the legend is cut here.
	lines[len(lines)-1] = truncate(lines[len(lines)-1], w)
	return strings.Join(lines[:h], "\n")
}

// fmtAxis labels the y axis (milliseconds in) as the table writes
// latencies: "1ms", "443ms", "1.33s".
func fmtAxis(ms float64) string {
	return fmtLatency(time.Duration(max(ms, 1) * float64(time.Millisecond)))
}

// ChartCache keeps the last chart drawn, so the frames in which only the
// clock moves (one a second) do not draw it again: a chart depends on the
// snapshot and its size alone. One cache serves one Styles.
type ChartCache struct {
	snap *monitor.Snapshot
	w, h int
	out  string
}

// cachedChart is Chart, from st.Charts when it holds this one.
func cachedChart(st State, w, h int, s Styles) string {
	c := st.Charts
	if c == nil {
		return Chart(st, w, h, s)
	}
	if c.snap != st.Snap || c.w != w || c.h != h || c.snap == nil {
		c.snap, c.w, c.h, c.out = st.Snap, w, h, Chart(st, w, h, s)
	}
	return c.out
}

// chartLabelWidth is the width of the y axis' labels, wide enough for the
// names that label the failure rows under it.
func chartLabelWidth(provs []*monitor.ProviderSnapshot) int {
	w := 6 // "1.23s", "443ms"
	for _, p := range provs {
		w = max(w, min(visibleWidth(p.Name), 14))
	}
	return w
}

// plot draws every series with asciigraph in exactly n lines, on a log
// scale: providers a tenfold apart (a local model at 2.5 s beside APIs at
// 200 ms) each keep enough rows to show their own changes. The labels are
// latencies, in ms and s.
func plot(all []series, labelW, n int, s Styles) []string {
	data := make([][]float64, len(all))
	colours := make([]asciigraph.AnsiColor, len(all))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, sr := range all {
		data[i] = make([]float64, len(sr.values))
		for c, v := range sr.values {
			data[i][c] = math.Log10(max(v, 1)) // NaN stays NaN: a gap
			if !math.IsNaN(v) {
				lo, hi = min(lo, data[i][c]), max(hi, data[i][c])
			}
		}
		colours[i] = s.seriesColour(sr.index).ansi
	}
	// The range snaps to a grid of eighths of a decade, with room under the
	// fastest line: a new sample a little slower or faster than the others
	// leaves the scale, and so the whole plot, as it was.
	const grid = 8
	bottom := math.Floor(lo*grid-0.5) / grid
	top := math.Ceil(hi*grid) / grid
	out := asciigraph.PlotMany(data,
		asciigraph.Height(n-1), // with a range, asciigraph draws height+1 lines
		asciigraph.LowerBound(bottom),
		asciigraph.UpperBound(top),
		asciigraph.SeriesColors(colours...),
		asciigraph.YAxisValueFormatter(func(v float64) string {
			m := fmtAxis(math.Pow(10, v))
			return strings.Repeat(" ", max(0, labelW-len(m))) + m
		}),
	)
	lines := strings.Split(out, "\n")
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines[:n]
}

// failRow is a provider's name under the axis, then ✗ in every column
// where its probes failed, both in its colour.
func failRow(sr series, labelW int, s Styles) string {
	c := s.seriesColour(sr.index).span
	var b strings.Builder
	b.WriteString(c.wrap(fitRight(sr.name, labelW+1)))
	b.WriteString("  ")
	var marks strings.Builder
	for _, f := range sr.failed {
		if f {
			marks.WriteString(sparkFail)
		} else {
			marks.WriteByte(' ')
		}
	}
	b.WriteString(c.wrap(strings.TrimRight(marks.String(), " ")))
	return b.String()
}

// legend names each line, in its colour, with its last probe's latency
// (✗ when it failed), and counts the enabled providers left out.
func legend(provs []*monitor.ProviderSnapshot, idx []int, left int, s Styles) string {
	items := make([]string, 0, len(provs)+1)
	for i, p := range provs {
		last := none
		switch {
		case p.HasLast && !p.Last.OK():
			last = sparkFail
		case p.HasLast:
			last = fmtLatency(p.Last.Latency)
		}
		items = append(items, s.seriesColour(idx[i]).span.wrap("● "+p.Name)+" "+last)
	}
	if left > 0 {
		items = append(items, s.Label.Render("+"+itoa(left)+" more in the table"))
	}
	return strings.Join(items, "   ")
}
