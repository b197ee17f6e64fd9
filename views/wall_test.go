package views

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"switchboard/monitor"
	"switchboard/probes"
)

// blankLines counts the screen's lines that show nothing.
func blankLines(screen string) int {
	n := 0
	for _, l := range strings.Split(ansi.Strip(screen), "\n") {
		if strings.TrimSpace(l) == "" {
			n++
		}
	}
	return n
}

// On a 200×60 wall with four providers at most a tenth of the rows are
// blank, with or without the detail pane; today's screen left 71% blank.
func TestWallUsesTheScreen(t *testing.T) {
	for _, detail := range []bool{false, true} {
		out := Render(wallState(detail), 200, 60, DefaultStyles())
		if n := blankLines(out); n > 6 {
			t.Errorf("detail=%v: %d of 60 rows blank, want at most 6:\n%s", detail, n, ansi.Strip(out))
		}
		if !strings.Contains(ansi.Strip(out), "── LATENCY (log scale) · last") {
			t.Errorf("detail=%v: no latency chart on the wall:\n%s", detail, ansi.Strip(out))
		}
	}
}

// The screen degrades in Render's written order as it gets shorter: the
// chart never grows as the screen shrinks, keeps the event log at 8 rows
// or more while it is drawn, and is gone at 80×24, which is the compact
// screen it has always been (header, table, event log, footer).
func TestWallDegradesInOrder(t *testing.T) {
	for _, w := range []int{80, 120, 200} {
		for _, detail := range []bool{false, true} {
			st := wallState(detail)
			prevChart, prevBoth := 1<<30, 1<<30
			for h := 60; h >= 24; h-- {
				ph := panelHeights(st, h-5) // header 3 lines, footer 2
				if ph.chart > prevChart || ph.chart+ph.events > prevBoth {
					t.Fatalf("%dx%d detail=%v: chart %d, chart+log %d grew from %d, %d one row taller",
						w, h, detail, ph.chart, ph.chart+ph.events, prevChart, prevBoth)
				}
				if ph.chart > 0 && (ph.chart < chartMin || ph.events < logFloor) {
					t.Fatalf("%dx%d detail=%v: chart %d, log %d: want ≥ %d and ≥ %d", w, h, detail, ph.chart, ph.events, chartMin, logFloor)
				}
				if !detail && ph.table != 5 {
					t.Fatalf("%dx%d: table %d rows, want all four providers and the title", w, h, ph.table)
				}
				prevChart, prevBoth = ph.chart, ph.chart+ph.events
			}
		}
	}
	compact := ansi.Strip(Render(wallState(false), 80, 24, DefaultStyles()))
	if strings.Contains(compact, "LATENCY (log scale)") || EventRows(wallState(false), 80, 24) != 13 {
		t.Errorf("80×24 is not the compact screen (no chart, 13 event rows):\n%s", compact)
	}
	for _, size := range [][2]int{{120, 40}, {200, 60}} {
		if out := ansi.Strip(Render(wallState(false), size[0], size[1], DefaultStyles())); !strings.Contains(out, "LATENCY (log scale)") {
			t.Errorf("%dx%d has no chart:\n%s", size[0], size[1], out)
		}
	}
}

// A failed probe is marked with ✗ under its own time column, on a row
// named after its provider.
func TestChartMarksFailuresInTheirColumn(t *testing.T) {
	snap := &monitor.Snapshot{At: now}
	p := monitor.ProviderSnapshot{Name: "alpha", Enabled: true, Interval: time.Second}
	for k := 60; k >= 0; k-- {
		smp := monitor.Sample{At: now.Add(-time.Duration(k) * time.Second), Latency: 200 * time.Millisecond, Class: probes.ClassOK}
		if k == 10 {
			smp.Class, smp.Latency = probes.ClassTimeout, 0
		}
		p.Samples = append(p.Samples, smp)
	}
	p.HasLast, p.Last = true, probes.Result{Latency: 200 * time.Millisecond, Class: probes.ClassOK}
	snap.Providers = []monitor.ProviderSnapshot{p}
	lines := strings.Split(ansi.Strip(Chart(State{Snap: snap, Now: now}, 100, 10, PlainStyles())), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines, want 10", len(lines))
	}
	var fail string
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "alpha") {
			fail = l
		}
	}
	at := strings.IndexRune(lines[1], '┤')
	if fail == "" || at < 0 {
		t.Fatalf("no failure row or no axis:\n%s", strings.Join(lines, "\n"))
	}
	axisCol := len([]rune(lines[1][:at]))
	cols := 100 - chartLabelWidth([]*monitor.ProviderSnapshot{&p}) - 3
	// The last column drawn is the whole one before now's: the failure 10 s
	// back is 9 one-second columns before it.
	want := axisCol + 1 + (cols - 1 - 9)
	if got := strings.IndexRune(string([]rune(fail)), '✗'); got < 0 || len([]rune(fail[:got])) != want {
		t.Fatalf("✗ at column %d, want %d (axis at %d):\n%s", len([]rune(fail[:max(got, 0)])), want, axisCol, strings.Join(lines, "\n"))
	}
	if !strings.Contains(lines[len(lines)-1], "● alpha 200ms") {
		t.Errorf("legend %q does not name alpha with its last probe", lines[len(lines)-1])
	}
}

// Each provider has one colour: its ● in the table is its chart line's
// and its legend entry's.
func TestProviderColourIsTheSameInTableAndChart(t *testing.T) {
	st := wallState(false)
	screen := Render(st, 200, 60, DefaultStyles())
	for i, p := range st.Snap.Providers {
		code := strings.TrimSuffix(DefaultStyles().seriesColour(i).span.wrap("X"), DefaultStyles().seriesColour(i).span.post)
		code = strings.TrimSuffix(code, "X")
		if code == "" {
			t.Fatalf("provider %d has no colour", i)
		}
		if !strings.Contains(screen, code+"●"+DefaultStyles().seriesColour(i).span.post) {
			t.Errorf("%s's ● in the table is not in its colour %q", p.Name, code)
		}
		if !strings.Contains(screen, code+"● "+p.Name) {
			t.Errorf("%s's legend entry is not in its colour %q", p.Name, code)
		}
	}
}

// The chart ends at the snapshot's time, not at the clock's, and its plot
// shows whole columns only: a sample in the column still being filled is
// in the legend at once and in the plot once its column is whole. Until
// then the cache hands the plot back without drawing it again.
func TestChartDrawsWholeColumnsOnly(t *testing.T) {
	st := wallState(false)
	provs, _, _ := charted(st.Snap)
	step := newTimeAxis(provs, st.Snap.At, st.Snap.Window, 200-chartLabelWidth(provs)-3).step
	st.Snap.At = st.Snap.At.Truncate(step) // the start of a column
	first := Chart(st, 200, 30, DefaultStyles())
	st.Now = st.Now.Add(1500 * time.Millisecond)
	if Chart(st, 200, 30, DefaultStyles()) != first {
		t.Fatal("the chart moved with the clock alone")
	}
	st.Charts = &ChartCache{}
	if got := cachedChart(st); got != first {
		t.Fatal("the cache drew another chart")
	}

	// A new snapshot, 0.5 s on, with a probe of 3 s in the column being filled.
	next := *st.Snap
	next.Providers = slices.Clone(next.Providers)
	p := &next.Providers[1]
	slow := monitor.Sample{At: next.At.Add(200 * time.Millisecond), Latency: 3 * time.Second, Class: probes.ClassOK}
	p.Samples = append(slices.Clone(p.Samples), slow)
	p.Last = probes.Result{Provider: p.Name, Start: slow.At, Latency: slow.Latency, Class: slow.Class}
	next.At = next.At.Add(500 * time.Millisecond)
	st.Snap = &next
	got := cachedChart(st)
	if plotOf(got) != plotOf(first) {
		t.Fatalf("a sample in the column being filled changed the plot:\n%s", ansi.Strip(got))
	}
	if !strings.Contains(ansi.Strip(legendOf(got)), p.Name+" 3.00s") {
		t.Fatalf("the legend does not show the newest probe: %q", ansi.Strip(legendOf(got)))
	}
	if uncached := Chart(State{Snap: st.Snap}, 200, 30, DefaultStyles()); uncached != got {
		t.Fatal("the cached chart differs from the one drawn afresh")
	}

	// The column completes: the slow probe is plotted.
	later := next
	later.At = later.At.Add(10 * time.Second)
	st.Snap = &later
	if got := ansi.Strip(cachedChart(st)); !strings.Contains(got, "3.00s") || plotOf(got) == plotOf(ansi.Strip(first)) {
		t.Fatalf("the whole column's 3 s probe is not plotted:\n%s", got)
	}
}

// cachedChart is the chart of st at 200×30, through st's cache.
func cachedChart(st State) string { return Chart(st, 200, 30, DefaultStyles()) }

// plotOf is a chart without its legend (the last line).
func plotOf(chart string) string { return chart[:strings.LastIndex(chart, "\n")] }

// legendOf is a chart's legend.
func legendOf(chart string) string { return chart[strings.LastIndex(chart, "\n")+1:] }
