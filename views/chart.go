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
// axis, in exactly h lines: a title, the plot (one line per provider, in
// the colour its row's ● has in the table, the y axis in ms and s on a
// log scale), one row per provider whose probes failed in view with ✗ in
// each failed column, and a legend naming each line with its last probe.
// The plot ends with the last complete column before the snapshot's
// time: a column is drawn once it is whole, so it never changes after,
// and the plot moves once a column, not with every probe. The legend
// shows the newest probe at once.
func Chart(st State, w, h int, s Styles) string {
	if st.Snap == nil || h <= 0 {
		return ""
	}
	provs, idx, left := charted(st.Snap)
	labelW := chartLabelWidth(provs)
	cols := max(2, w-labelW-3)
	axis := newTimeAxis(provs, st.Snap.At, st.Snap.Window, cols)
	title := "LATENCY (log scale) · last " + fmtSpan(axis.span()) + ", " + fmtSetting(axis.step) + " a column"
	lines := []string{panelTitle(title, "✗ failed probe", w, false, s)}
	lines = append(lines, cachedBody(st.Charts, provs, idx, axis, labelW, w, h-2, s)...)
	// The plot and the failure rows are built to fit; the title is fitted
	// by panelTitle. Measuring 30 lines of box drawing costs more than the
	// rest of the frame, so only the legend is cut here.
	lines = append(lines, truncate(legend(provs, idx, left, s), w))
	return strings.Join(lines[:h], "\n")
}

// body is the chart between its title and its legend, in exactly h
// lines: the plot, then a failure row per provider that failed (while
// the plot keeps at least two thirds of the lines).
func body(provs []*monitor.ProviderSnapshot, idx []int, axis timeAxis, labelW, h int, s Styles) []string {
	if h <= 0 {
		return nil
	}
	all := make([]series, len(provs))
	failing := 0
	for i, p := range provs {
		all[i] = buildSeries(p, idx[i], axis)
		if all[i].fails > 0 {
			failing++
		}
	}
	marks := min(failing, h/3)
	plotLines := h - marks
	var lines []string
	switch {
	case plotLines < 2 || !anyValue(all):
		lines = append(lines, s.Label.Render("no successful probe in view to chart"))
	default:
		lines = append(lines, plot(all, labelW, plotLines, s)...)
	}
	for _, sr := range all {
		if len(lines) >= h || marks == 0 {
			break
		}
		if sr.fails > 0 {
			lines = append(lines, failRow(sr, labelW, s))
			marks--
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines[:h]
}

// fmtAxis labels the y axis (milliseconds in) as the table writes
// latencies: "1ms", "443ms", "1.33s".
func fmtAxis(ms float64) string {
	return fmtLatency(time.Duration(max(ms, 1) * float64(time.Millisecond)))
}

// ChartCache keeps the body of the last chart drawn: its plot and failure
// rows, the costly part of a frame. The body shows whole columns only, so
// every frame until the next column completes can reuse it. One cache
// serves one Styles.
type ChartCache struct {
	key  bodyKey
	body []string
}

// bodyKey is what a chart's body is drawn from, besides the samples of
// whole columns, which never change.
type bodyKey struct {
	endCol    int64
	step      time.Duration
	w, h      int
	providers string // each charted provider's name, index and interval
}

// cachedBody is body, from c when it holds this one.
func cachedBody(c *ChartCache, provs []*monitor.ProviderSnapshot, idx []int, axis timeAxis, labelW, w, h int, s Styles) []string {
	if c == nil {
		return body(provs, idx, axis, labelW, h, s)
	}
	var b strings.Builder
	for i, p := range provs {
		b.WriteString(p.Name + "\x00" + itoa(idx[i]) + "\x00" + p.Interval.String() + "\x00")
	}
	key := bodyKey{endCol: axis.endCol, step: axis.step, w: w, h: h, providers: b.String()}
	if c.body == nil || c.key != key {
		c.key, c.body = key, body(provs, idx, axis, labelW, h, s)
	}
	return c.body
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
